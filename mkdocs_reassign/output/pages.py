"""What the plugin adds to built pages, and the JSON report, from a Report.

Placement (where the attention table, the boxes, the banner and the overview go), rendering, and the
memos that make a serve rebuild cheap. Nothing here imports MkDocs: the adapter hands in each page's
docs-relative path, its URL, a link resolver and its table of contents.

Serve re-renders every page on every rebuild. The rendered pieces are kept in a ``cache.Cache`` of their
own (see ``Pages.__init__`` for why not the engine's), one kind per piece, each under the key it was
rendered from; the keys are built in one place (the ``_key_*`` methods) and hang on:

- ``pub_n``: what one page shows of *other* docs and of the site — the findings (session objects), the
  feature IDs and titles, the files and their URLs (``env`` from the adapter: the checker's link
  generation and the URL style);
- ``feat_n``: ``pub_n`` or any feature's own data (ID, title, contract, confidence, requirement results);
- a page's own parsed doc (the checker keeps the object while the file's content hash is the same; the
  cache compares it by identity).
"""

from __future__ import annotations

import os
import re
from bisect import bisect_left, bisect_right
from operator import attrgetter
from dataclasses import fields as dataclass_fields

from . import boxes as boxes_mod, cards, html as render  # (boxes: the name of the HTML in place())
from . import overview as ov
from .banner import banner as render_banner
from ..cache import Cache, Flat
from ..model.diagnostics import Diagnostic
from ..startup import rx

PLACEHOLDER = "<!-- reassign:{} -->"
# markdown()'s slots carry a per-site nonce: a slot typed into a doc (or left over) is dropped, never filled
_PH_RE = rx(r"<!-- reassign:(attention-render|anchor|card-end|card)\b([^\x00]{0,300}?)-->")
_ANCHOR = rx(r"[A-Za-z0-9_-]{1,200}")
OVERVIEW_MARKER = "<!-- reassign:overview -->"
# every field output shows: ``extra`` is engine bookkeeping (a dict, which the cache would compare by identity)
_DIAG_FIELDS = attrgetter(*(f.name for f in dataclass_fields(Diagnostic) if f.name != "extra"))
_MISS = object()


def _sig(fd) -> tuple:
    """Everything a feature's row, boxes and JSON entry show of the feature itself."""
    return (fd.id, fd.title, fd.contract.name if fd.contract else None, fd.confidence,
            tuple((r.key, r.label, r.met) for r in fd.results), ov.area_of(fd))


class Pages:
    """Per site: call update() once per build after the check, then markdown(), content() and place()
    per page."""

    def __init__(self, opts, memo: bool, banner_on: bool = False):
        self.opts = opts
        self.memo = memo  # serve: keep rendered pieces across rebuilds
        self.banner_on = banner_on  # pages list their diagnostics in a banner (option banner, and whether serving)
        self._nonce = os.urandom(8).hex()  # in the slots markdown() leaves: a doc cannot forge one (secrets.token_hex's source)
        self.placed: dict[str, tuple[bool, bool]] = {}  # page -> (banner?, boxes?) place() puts in, from update()
        self.plain: frozenset[str] = frozenset()  # feature pages content() has nothing to put in (update())
        self.ready: dict[str, tuple[str, str]] = {}  # serve: page -> (its URL, its boxes) as the last rebuild drew them
        self.maps: set[str] = set()  # pages whose content holds the overview marker (content()): place() fills it
        self._banner_keys: dict[str, tuple] = {}  # serve: page -> its banner diagnostics' fields (update())
        self._row_counts: dict[int, tuple] = {}  # serve: what each overview row adds to the totals (overview())
        self.rep = None
        self.sessions: dict = {}  # rel -> Session (the first wins, as a scan would)
        self.site_wide: list[Diagnostic] = []  # contract diagnostics outside docs_dir: shown on every feature page
        self.pub_n = 0
        self.feat_n = 0
        self._boxes_on = bool(opts.findings_box or opts.completion_box)
        self._page_diags: dict[str, list] = {}
        self._marked: set[str] = set()  # feature pages whose Markdown holds a "<!-- reassign:" comment
        self._with_h1: set[str] = set()  # feature pages with an H1
        self._facts: dict = {}  # feature page -> boxes.BoxFacts (its link targets, its requirements' places)
        self._env = None
        self._sessions_prev: tuple = ()
        self._feats_prev: dict = {}
        self._live: set[str] = set()  # feature and session pages the cache may hold pieces of
        self._gaps: dict[str, tuple] = {}  # feature page -> where its gap anchors go (ov.gap_places), from update()
        self.drafts: dict[str, tuple[str, tuple]] = {}  # page -> (its URL, its boxes), drawn by the check's process
        self.draft_urls: dict[str, str | None] = {}  # target -> the URL the drafts' links were resolved with
        self.map_draft: tuple[str, str] | None = None  # (the overview page's URL, the overview), drawn with the drafts
        self.spilled = None  # the adapter's reader when the drafts' values are where they are in a file (load(ref))
        # The rendered pieces, per page (the docs-relative path) or for the site (path ""), each under its key:
        #   sig       feature  _sig(fd)                       key: fd
        #   boxes     feature  completion and findings boxes  key: _key_shown
        #   table     session  attention table                key: _key_shown
        #   cards     session  its HTML with the cards        key: _key_shown + the HTML
        #   banner    page     diagnostics banner             key: _key_banner
        #   gaps      feature  where its gap anchors go        key: _key_gaps
        #   row       feature  its overview row               key: _key_row
        #   entry     feature  its report entry (JSON text)   key: _key_entry
        #   order     ""       (features sorted, columns)     key: feat_n
        #   okey      feature  its place in that order         key: fd
        #   overview  ""       the overview table             key: _key_overview
        #   json      ""       the whole report               key: _key_json
        # A Cache of its own, not kinds in the engine's: the two live differently (a build releases the engine's
        # cache before rendering, a contract change clears its parsed docs, while these pieces follow pub_n and
        # feat_n), and which pages are gone is Pages' to say (a page stops being a feature or session here).
        self.cache = Cache()

    # ------------------------------------------------------------------ per build

    def update(self, rep, env=None) -> None:
        self.rep = rep
        sessions: dict = {}
        for s in rep.sessions:
            sessions.setdefault(s.rel, s)
        self.sessions = sessions
        self.site_wide = [x for x in rep.active if x.rule == "contract" and not x.path.startswith(rep.docs_prefix)]
        feats = rep.features
        prev = self._feats_prev
        changed = [(rel, fd) for rel, fd in feats.items() if prev.get(rel) is not fd]
        if len(changed) == len(feats):
            self._marked, self._with_h1, self._facts = set(), set(), {}
        else:
            self._marked &= feats.keys()
            self._with_h1 &= feats.keys()
            self._facts = {rel: f for rel, f in self._facts.items() if rel in feats}
        for rel, fd in changed:
            doc = fd.doc
            if self.opts.completion_box:  # read now: a build frees the doc's links and headings before pages render
                self._facts[rel] = boxes_mod.box_facts(fd)
            (self._with_h1.add if doc.h1 is not None else self._with_h1.discard)(rel)
            (self._marked.add if any("reassign:" in c[2] for c in doc.comments) else self._marked.discard)(rel)
        self._page_diags = {}  # rel -> what its banner lists
        n = len(rep.docs_prefix)
        for path, ds in rep.by_path.items():
            shown = [d for d in ds if not d.waived and d.severity != "off"]
            if shown and path.startswith(rep.docs_prefix):
                self._page_diags[path[n:]] = shown
        # where each feature's gap anchors go, decided here in one loop: a build releases the docs' headings before
        # rendering, and in serve a look per page would be a cold one
        self._gaps = {rel: g for rel, fd in feats.items() if (g := self._gap_places(fd))}
        # what place() puts into each page, decided here in one loop rather than once per page in between MkDocs'
        # rendering (where each look at the plugin's data is a cold one)
        self.placed = self._placements(feats, sessions)
        self.plain = frozenset(rel for rel in feats if rel not in self._marked and rel not in self._gaps)
        if self.memo and self.banner_on:
            self._banner_keys = {rel: Flat(map(_DIAG_FIELDS, self._shown(rel, rel in feats)))
                                 for rel, (banner, _boxes) in self.placed.items() if banner}
        if not self.memo:
            self._feats_prev = {}
            return
        cache = self.cache
        pub = env != self._env
        self._env = env
        moved = prev.keys() != feats.keys()
        if len(rep.sessions) != len(self._sessions_prev) or any(a is not b for a, b in zip(rep.sessions, self._sessions_prev)):
            moved = True
            self._sessions_prev = tuple(rep.sessions)
        if moved:  # a session changed, or pages came or went: forget what the cache holds of the gone ones
            pub = True
            live = feats.keys() | sessions.keys()
            for rel in self._live - live:
                cache.forget(rel)
            self._live = live
        feat = pub
        for rel, fd in changed:
            new = _sig(fd)
            _fd, old = cache.entry("sig", rel) or (None, None)  # the sig this page had, whatever doc it came from
            if old != new:
                feat = True
                if old is None or old[:2] != new[:2]:  # ID or title: shown on other pages
                    pub = True
            cache.put("sig", rel, fd, new)
        if pub:  # related-feature results are re-evaluated in place against the registry
            for rel, fd in feats.items():
                if fd.pending_related:
                    cache.put("sig", rel, fd, _sig(fd))
            self.pub_n += 1
        if feat:
            self.feat_n += 1
        self._feats_prev = dict(feats)
        self.ready = self._ready(feats)
        self.maps = set()

    def _ready(self, feats: dict) -> dict[str, tuple[str, str]]:
        """Serve: the feature pages whose boxes are the ones the last rebuild drew (same doc, same pub_n; the
        adapter checks the URL) and that get no banner: placing them is a splice, with no call into place()."""
        out = {}
        boxes_of = self.cache.kind("boxes")
        pub_n = self.pub_n
        for rel, (banner, boxes_on) in self.placed.items():
            entry = boxes_of.get(rel) if boxes_on and not banner else None
            if entry is not None:
                (fd, n, url), html = entry
                if n == pub_n and fd is feats.get(rel):
                    out[rel] = (url, html)
        return out

    # ------------------------------------------------------------------ Markdown (session pages only)

    def markdown(self, rel: str, markdown: str) -> str:
        """Session pages: an anchor before each finding, and a slot for the attention table."""
        session = self.sessions.get(rel)
        if session is None:
            return markdown
        lines = markdown.split("\n")
        offset = source_offset(session.doc.lines, lines)
        if offset is None:
            return markdown
        inserts: dict[int, list[str]] = {}  # markdown line index -> lines to put before it

        def put(src_line, text):
            inserts.setdefault(max(src_line - 1 - offset, 0), []).append(text)

        anchor = self._slot("anchor")
        for f in session.findings:
            if not _ANCHOR.fullmatch(f.anchor):  # (an ID cell holding markup): no anchor rather than a broken slot
                continue
            if not f.from_table:
                start, end = cards.markers(f, self._nonce)
                put(f.line, start)
                put(f.line, anchor.format(f.anchor))
                put(f.end_line + 1, end)
            elif 0 <= f.line - 1 - offset < len(lines):  # a table row: anchor inside its ID cell
                i = f.line - 1 - offset
                lines[i] = insert_outside_code(lines[i], f.id, anchor.format(f.anchor))
        if self.opts.attention_table:
            slot = self._slot("attention-render")
            t = session.attention
            if t is not None and t.start:
                a, b = t.start - 1 - offset, t.end - 1 - offset
                if 0 <= a <= b < len(lines):
                    lines[a : b + 1] = [slot] + [""] * (b - a)
            elif session.marker_line:
                i = session.marker_line - 1 - offset
                if 0 <= i < len(lines):
                    lines[i] = lines[i].replace("<!-- reassign:attention -->", slot)
            else:
                h1 = session.doc.h1
                put((h1.line + 1) if h1 else 1, "\n" + slot + "\n")
        out = []
        for i, line in enumerate([*lines, None]):  # (None: what goes after the last line)
            for text in inserts.get(i, ()):
                if text.startswith("<!-- reassign:"):
                    out.extend(["", text, ""])
                else:
                    out.append(text)
            if line is not None:
                out.append(line)
        return "\n".join(out)

    def _slot(self, kind: str) -> str:
        """A slot for _fill: ``<!-- reassign:anchor {} NONCE -->`` (format it with the anchor) or the attention one."""
        return f"<!-- reassign:{kind} {{}} {self._nonce} -->" if kind == "anchor" else f"<!-- reassign:{kind} {self._nonce} -->"

    # ------------------------------------------------------------------ HTML

    def content(self, rel: str, html: str, toc, resolve=None, page_url: str = "") -> str:
        """The page's content HTML with what goes into it: the attention table, finding anchors and cards of a
        session page, gap anchors. The banner (the content's start), the boxes (after its H1) and the overview
        map (at its marker) are place()'s, which puts them in after the search plugins indexed the content:
        Material's indexer parses the boxes only to skip them (about 1 ms a page), and runs a regular expression
        over every page's whole content, the overview page's too, which it does not index (at 1,000 docs the
        map is 4.4 MB). Pages in ``plain`` need no call.
        ``resolve(target_rel, fragment)`` gives an href from this page; ``toc()`` gives its (title, anchor id)
        pairs in document order."""
        rep = self.rep
        fd = rep.features.get(rel)
        session = self.sessions.get(rel) if fd is None else None
        # a feature page holds a marker only where its Markdown has one (known from its scan): no search of the page
        if session is not None or (rel in self._marked if fd is not None else _next_marker(html, 0) >= 0):
            if session is not None:  # (first: the fill step below removes the markers cards leave)
                html = self._cards(rel, session, html, page_url, resolve)
            parts = self._fill(rel, session, html, page_url, resolve)
            if parts is not None:
                pieces, pos = parts
                html = html.replace(html[:pos], "".join(pieces), 1)
        if fd is not None:
            places = self._gaps.get(rel)
            if places:  # the overview's cells link to these
                html = ov.place_gap_anchors(html, places, toc())
        return html

    def _placements(self, feats: dict, sessions: dict) -> dict[str, tuple[bool, bool]]:
        """page -> (banner?, boxes?): a feature page gets the boxes, a feature or session page whose banner lists
        something gets the banner (when banners are on)."""
        boxes_on, banner_on, out = self._boxes_on, self.banner_on, {}
        if not (boxes_on or banner_on):
            return out
        for rel, fd in feats.items():
            banner = banner_on and self._has_banner(rel, fd)
            if boxes_on or banner:
                out[rel] = (banner, boxes_on)
        if banner_on:
            for rel in sessions:
                if rel not in feats and self._has_banner(rel, None):
                    out[rel] = (True, False)
        return out

    def _shown(self, rel: str, feature: bool) -> list:
        """What a page's banner lists: its own diagnostics; on a feature page, the site-wide contract ones too."""
        diags = self._page_diags.get(rel, [])
        return diags + self.site_wide if feature and self.site_wide else diags

    def _cards(self, rel: str, session, html: str, page_url: str, resolve) -> str:
        """A session page's HTML with its findings' cards; serve keeps it while the page's HTML (compared by value:
        one memcmp, against escaping every finding's fields again) and what it shows of other docs are the same."""
        return self._kept("cards", rel, lambda: (session, self.pub_n, page_url, html),
                          lambda: cards.render_cards(html, session, self._feature_link(resolve), self._nonce))

    def _kept(self, kind: str, rel: str, key, compute):
        """``compute()``, which serve keeps under (kind, rel) while ``key()`` is the same; a build just computes it.
        (Not for the banner and the boxes: they are made in every page's on_page_context, where two closures and
        three calls more are a few µs a page.)"""
        if not self.memo:
            return compute()
        k = key()
        got = self.cache.get(kind, rel, k, _MISS)
        return self.cache.put(kind, rel, k, compute()) if got is _MISS else got

    def boxes_at(self, rel: str, html: str) -> int:
        """Where a feature page's boxes go: right under its H1 (the page's start when it has none)."""
        if rel not in self._with_h1:
            return 0
        i = html.find("</h1>")
        return i + 5 if i >= 0 else 0

    def place(self, rel: str, html: str, page_url: str, resolve, toc) -> str:
        """The page's content with the banner and the boxes update() decided on, once the search plugin has indexed
        it (on_page_context, after the search plugins); the H1 is looked for in the content as it is then, whatever
        another plugin did to it in between. The overview map goes in first, at the marker content() kept."""
        if rel in self.maps:
            self.maps.discard(rel)
            html = html.replace(OVERVIEW_MARKER, self.overview(page_url, resolve))
        placed = self.placed.pop(rel, None)
        if placed is None:
            return html
        banner_on, boxes_on = placed
        rep = self.rep
        fd = rep.features.get(rel)
        session = self.sessions.get(rel) if fd is None else None
        banner = boxes = ""
        if banner_on:  # (only on a feature or session page with something to list)
            banner = self._banner(rel, fd or session, self._shown(rel, fd is not None), toc)
        if boxes_on and fd is not None:
            key = self._key_shown(fd, page_url)
            boxes = self.cache.get("boxes", rel, key, _MISS)
            if boxes is _MISS:
                draft = self.drafts.pop(rel, None) if self.drafts else None
                if draft is not None and draft[0] == page_url:  # drawn by the check's process (prerender)
                    boxes = self._filled(fd, draft[1] if self.spilled is None else self.spilled.load(draft[1]), toc)
                else:
                    boxes = self._feature_boxes(fd, resolve, lambda: boxes_mod.place_finder(self._facts.get(fd.rel), toc()))
                if self.memo:
                    self.cache.put("boxes", rel, key, boxes)
        # the H1 is near the top: replacing the short head copies the long rest of the page once (a slice and a
        # join would copy it twice more; pages are often 4 bytes a character, for one emoji)
        if not (banner or boxes):
            return html
        head = html[:self.boxes_at(rel, html) if boxes else 0]
        return html.replace(head, banner + head + boxes, 1)

    def _has_banner(self, rel: str, fd) -> bool:
        """Does the page's banner list anything (its own diagnostics; on a feature page, site-wide contract ones)?"""
        return rel in self._page_diags or (fd is not None and bool(self.site_wide))

    def _gap_places(self, fd) -> tuple:
        """ov.gap_places of a feature; serve keeps it while its doc and its diagnostics' verdict fields are the same."""
        diags = self._diags_of(fd.rel)
        return self._kept("gaps", fd.rel, lambda: self._key_gaps(fd, diags), lambda: ov.gap_places(fd, diags))

    def _diags_of(self, rel: str) -> list:
        """Every diagnostic of a page, waived ones included (the overview shows them as waived)."""
        return self.rep.by_path.get(self.rep.docs_prefix + rel, [])

    def _feature_boxes(self, fd, resolve, places) -> str:
        """``places()`` gives the completion box's place_of (requirement key -> anchor id on the page, or None)."""
        rep = self.rep
        found = rep.findings_of(fd.id) if fd.id else []
        out = []
        if self.opts.completion_box:
            related = boxes_mod.related_of(fd, self._facts.get(fd.rel), rep.features, rep.registry)
            out.append(boxes_mod.completion_box(fd, found, related, resolve, places()))
        if self.opts.findings_box and fd.id:
            out.append(boxes_mod.findings_box(fd, found, resolve))
        return boxes_mod.wrap(out)

    # ------------------------------------------------------------------ boxes drawn by the check's process

    def prerender(self, files, overview_url: str | None = None) -> None:
        """A build checking in a second process: draw the boxes of every feature page there, each from its URL and
        with links resolved against the site's files as on_files left them (``site.Foresight`` notes the URL each
        target had: ``drafts_hold`` compares them with the files the pages are rendered with). An unmet requirement's
        link to its place needs the page's headings as rendered: each such item is left as a hole (key, label)
        that place() fills (``_filled``). A page with a banner is drawn by place() alone. The overview is drawn
        too, for the page at ``overview_url`` (the overview_page option's)."""
        from .site import Foresight

        if self.memo:
            return
        seen: dict = {}
        memo: dict = {}
        drafts = {}
        for rel, (banner, boxes_on) in self.placed.items():
            fd = self.rep.features.get(rel)
            f = files.src_uris.get(rel)
            if banner or not boxes_on or fd is None or f is None:
                continue
            holes: dict[str, str] = {}

            def place_of(key, holes=holes):
                token = f"\x00{self._nonce}-{len(holes)}\x00"  # (a NUL and the nonce: no doc's text holds both)
                holes[token] = key
                return token

            html = self._feature_boxes(fd, Foresight(f.url, files, memo, seen), lambda place_of=place_of: place_of)
            parts: list = []
            if holes:
                labels = {}
                for r in fd.results:
                    if not r.met:
                        labels.setdefault(r.key, boxes_mod.e(r.label))
                for token, key in holes.items():
                    label = labels.get(key, "")
                    head, sep, html = html.partition(boxes_mod.unmet_item(label, token))
                    if not sep:  # (not drawn as expected: place() draws this page's boxes)
                        break
                    parts += [head, (key, label)]
                else:
                    parts.append(html)
                    drafts[rel] = (f.url, tuple(parts))
                continue
            drafts[rel] = (f.url, (html,))
        if overview_url is not None:
            self.map_draft = (overview_url, ov.overview(self.rep, Foresight(overview_url, files, memo, seen)))
        self.drafts, self.draft_urls = drafts, seen

    def drafts_hold(self, files) -> bool:
        """Do the site's files give every target the URL the drafts' links were resolved with? (A plugin's on_files
        after this one may add, remove or move files.) If not, the caller drops them: place() draws the boxes."""
        from .site import url_of

        return all(url_of(files, target) == url for target, url in self.draft_urls.items())

    def _filled(self, fd, parts: tuple, toc) -> str:
        if len(parts) == 1:
            return parts[0]
        place_of = boxes_mod.place_finder(self._facts.get(fd.rel), toc())
        return "".join(p if p.__class__ is str else boxes_mod.unmet_item(p[1], place_of(p[0])) for p in parts)

    def _feature_link(self, resolve):
        rep = self.rep

        def link(fid: str):
            target = rep.registry.get(fid)
            fd = rep.features.get(target) if target else None
            return (resolve(target, ""), fd.title) if fd is not None else None

        return link

    def _banner(self, rel: str, obj, diags: list, toc) -> str:
        pairs = toc()
        if not self.memo:
            return render_banner(diags, anchor_finder(obj.doc.headings, pairs))
        key = self._key_banner(rel, obj, pairs)
        html = self.cache.get("banner", rel, key, _MISS)
        if html is _MISS:
            html = self.cache.put("banner", rel, key, render_banner(diags, anchor_finder(obj.doc.headings, pairs)))
        return html

    def _fill(self, rel, session, html: str, page_url: str, resolve):
        """Replace the placeholders markdown() left (and an overview marker) in one pass."""
        rep = self.rep

        def sub(m):
            words = m.group(2).split()
            if words[-1:] != [self._nonce] or session is None or m.group(1).startswith("card"):
                return ""  # typed into a doc, on a page that is no session, or a card marker left unpaired
            if m.group(1) == "anchor":
                return render.finding_anchor(words[0].removeprefix("finding-").upper()) if len(words) == 2 else ""
            return self._kept("table", rel, lambda: self._key_shown(session, page_url),
                              lambda: render.attention_table(session, rep.finding_registry, resolve))

        def overview():  # the map goes in at place(), after the search plugins
            self.maps.add(rel)
            self.ready.pop(rel, None)  # (a feature page holding the marker: not the splice of its boxes alone)
            return OVERVIEW_MARKER

        return fill_placeholders(html, sub, overview)

    def overview(self, page_url: str, resolve) -> str:
        rep = self.rep
        if not self.memo:
            draft = self.map_draft
            if draft is not None and draft[0] == page_url:
                self.map_draft = None  # (one page has this URL)
                return draft[1] if self.spilled is None else self.spilled.load(draft[1])
            return ov.overview(rep, resolve)
        cache = self.cache
        key = self._key_overview(page_url)
        html = cache.get("overview", "", key, _MISS)
        if html is not _MISS:
            return html
        order = cache.get("order", "", self.feat_n)
        if order is None:
            feats = ov.overview_order(rep.features.values(), self._order_key)
            columns = ov.overview_columns(feats)
            prev = cache.entry("order", "")
            if prev is not None and prev[1][1] == columns:
                columns = prev[1][1]  # the same object: each row's key then compares it by identity, not 1,000 times deeply
            order = cache.put("order", "", self.feat_n, (feats, columns))
        feats, columns = order
        fcols = ov.finding_columns(rep)
        rows = []
        for fd in feats:
            diags = self._diags_of(fd.rel)
            row_key = self._key_row(fd, page_url, columns, diags)
            row = cache.get("row", fd.rel, row_key, _MISS)
            if row is _MISS:
                row = cache.put("row", fd.rel, row_key, ov.overview_row(fd, rep.findings_of(fd.id) if fd.id else [],
                                                                         columns, resolve, diags, fcols))
            rows.append(row)
        kept = self._row_counts  # id(row) -> (row, fcols, ov.row_counts): rows the cache kept are not read again
        fresh = {}

        def counts(row):
            got = kept.get(id(row))
            if got is None or got[0] is not row or got[1] != fcols:
                got = (row, fcols, ov.row_counts(row, fcols))
            fresh[id(row)] = got
            return got[2]

        html = ov.overview_table(columns, rows, fcols, counts)
        self._row_counts = fresh
        return cache.put("overview", "", key, html)

    def _order_key(self, fd) -> tuple:
        """ov.order_key of a feature, kept while its doc is the same object (the order is redone whenever a
        feature's results change; its key changes only with the doc)."""
        got = self.cache.get("okey", fd.rel, fd)
        return got if got is not None else self.cache.put("okey", fd.rel, fd, ov.order_key(fd))

    # ------------------------------------------------------------------ reassign-report.json

    def json_text(self) -> str:
        from . import formats as report_mod  # here, not at import: it pulls in xml.sax (and with it urllib, ssl)

        rep = self.rep
        if not self.memo:
            return report_mod.json_report_text(rep)
        cache = self.cache
        key = self._key_json()
        text = cache.get("json", "", key, _MISS)
        if text is not _MISS:
            return text

        def entry_text_of(rel, fd):
            entry_key = self._key_entry(rel, fd)
            text = cache.get("entry", rel, entry_key, _MISS)
            if text is _MISS:
                text = cache.put("entry", rel, entry_key, report_mod.entry_text(report_mod.feature_entry(rep, rel, fd)))
            return text

        return cache.put("json", "", key, report_mod.json_report_text(rep, entry_text_of))

    # ------------------------------------------------------------------ memo keys: what each piece is rendered from
    # (the cache compares the doc, feature and session objects by identity, everything else by value)

    def rendered_current(self, rel: str, obj) -> bool:
        """Serve: were this page's boxes (feature) or attention table (session) last rendered from the same
        object and the same published data? (``--dirty`` then need not render the page again.)"""
        if not self.memo:
            return False
        entry = self.cache.entry("boxes", rel) or self.cache.entry("table", rel)
        return entry is not None and entry[0][0] is obj and entry[0][1] == self.pub_n

    def _key_shown(self, obj, page_url: str) -> tuple:
        """Boxes (obj: the feature) and attention tables (obj: the session): the page's own object, what it
        shows of other docs, and where links are resolved from."""
        return (obj, self.pub_n, page_url)

    def _key_banner(self, rel: str, obj, pairs: list) -> tuple:
        """A banner: the page's object, the diagnostics it lists (their fields, taken in update()), and the
        headings it points into."""
        return (obj, self._banner_keys.get(rel), Flat(pairs))

    def _key_gaps(self, fd, diags: list) -> tuple:
        """Where a feature's gap anchors go: its feature (its headings and results) and what ov.verdicts reads
        of its diagnostics."""
        return (fd, Flat((d.requirement, d.rule, d.line, d.severity, bool(d.waived)) for d in diags))

    def _key_row(self, fd, page_url: str, columns: tuple, diags: list) -> tuple:
        """A feature's overview row: its feature, what it shows of others (the finding columns among it), the
        overview page, the columns, and which of its diagnostics are waived (a baseline changes that alone)."""
        return (fd, self.pub_n, page_url, columns, Flat((d.requirement, d.line, d.severity, bool(d.waived)) for d in diags))

    def _key_overview(self, page_url: str) -> tuple:
        """The whole overview: its rows' keys, by way of the counters and the requirements' diagnostics."""
        return (self.pub_n, self.feat_n, page_url,
                Flat((d.path, d.requirement, d.line, d.severity, bool(d.waived)) for d in self.rep.diagnostics if d.requirement))

    def _key_entry(self, rel: str, fd) -> tuple:
        """A feature's report entry: what it shows of others and of the feature itself (its sig)."""
        sig = self.cache.get("sig", rel, fd)
        return (self.pub_n, sig if sig is not None else _sig(fd))

    def _key_json(self) -> tuple:
        rep = self.rep
        return (self.pub_n, self.feat_n, rep.docs_prefix, Flat(map(_DIAG_FIELDS, rep.diagnostics)))


# ---------------------------------------------------------------------- helpers


def source_offset(src_lines, md_lines: list[str]) -> int | None:
    """How many source lines (front matter) precede the Markdown MkDocs renders."""
    off = len(src_lines) - len(md_lines)
    head = md_lines[:3]
    for cand in (off, off - 1, off + 1):
        if 0 <= cand <= len(src_lines) and list(src_lines[cand : cand + 3]) == head:
            return cand
    return None if off < 0 else off


def fill_placeholders(html: str, sub, overview) -> tuple[list[str], int] | None:
    """``_PH_RE.sub(sub, html).replace(OVERVIEW_MARKER, overview())`` in one pass, as (the pieces that
    replace html[:pos], pos), or None when nothing matched. (sub's output never holds a marker: render
    escapes what it takes from docs.)"""
    out = []
    pos = 0
    i = _next_marker(html, 0)
    while i >= 0:
        m = _PH_RE.match(html, i)
        if m is not None:
            out.append(html[pos:i])
            out.append(sub(m))
            pos = m.end()
        elif html.startswith(OVERVIEW_MARKER, i):
            out.append(html[pos:i])
            out.append(overview())
            pos = i + len(OVERVIEW_MARKER)
        else:
            i = _next_marker(html, i + 1)
            continue
        i = _next_marker(html, pos)
    if not out:
        return None
    return out, pos


_BACKTICKS = rx(r"`+")
_TAG = rx(r"<[A-Za-z/!][^<>]*>")


def _code_and_html(line: str) -> list[tuple[int, int]]:
    """Spans of a line's code spans (a backtick run up to the next run of the same length) and inline HTML tags."""
    spans = []
    runs = list(_BACKTICKS.finditer(line))
    k = 0
    while k < len(runs):
        n = len(runs[k].group())
        close = next((j for j in range(k + 1, len(runs)) if len(runs[j].group()) == n), None)
        if close is None:
            k += 1
            continue
        spans.append((runs[k].start(), runs[close].end()))
        k = close + 1
    spans.extend((m.start(), m.end()) for m in _TAG.finditer(line) if not any(a <= m.start() < b for a, b in spans))
    return spans


def insert_outside_code(line: str, fid: str, text: str) -> str:
    """``text`` before the first mention of ``fid`` in a table row, or, when that mention sits in a code span
    or an HTML tag, before that span (inside it Markdown would show the text literally)."""
    m = re.search(rf"(?<![\w-]){re.escape(fid)}(?![\w-])", line)
    if m is None:
        return line
    at = m.start()
    for a, b in _code_and_html(line) if ("`" in line or "<" in line) else ():
        if a <= at < b:
            at = a
            break
    return line[:at] + text + line[at:]


def _next_marker(html: str, start: int) -> int:
    """html.find("<!-- reassign:", start), by way of its "!": a one-character search runs twice as fast
    as this needle's (and a regex scan of the whole page several times slower)."""
    k = html.find("!", start + 1)
    while k >= 0:
        if html.startswith("<!-- reassign:", k - 1):
            return k - 1
        k = html.find("!", k + 1)
    return -1


def anchor_finder(headings, toc: list[tuple[str, str]]):
    """Map a source line to (anchor id, heading text) of its nearest heading in the built page:
    source headings are paired with the page's toc entries in document order, by text (each heading
    with the first unpaired entry after the previous pair that has its text). Linear in the headings:
    the toc is indexed by text once, and a line is looked up by bisection."""
    at: dict[str, list[int]] = {}  # plain text -> its positions in the toc, ascending
    for k, (title, _id) in enumerate(toc):
        at.setdefault(_plain(title), []).append(k)
    lines: list[int] = []
    found: list[tuple[str, str]] = []
    j = 0
    for h in headings:
        text = _attr_list_free(h.text)
        ks = at.get(_plain(text))
        if ks:
            i = bisect_left(ks, j)
            if i < len(ks):
                lines.append(h.line)
                found.append((toc[ks[i]][1], text))
                j = ks[i] + 1

    def find(line: int):
        i = bisect_right(lines, line)
        return found[i - 1] if i else None

    return find


_TAG_RE = rx(r"<[^<>]+>")  # not <[^>]+>: that rescans the rest of a heading from every unclosed "<"
_NON_ALNUM_RE = rx(r"[^0-9a-z]+")
_ATTR_OPEN_RE = rx(r":?[ ]*[^}\n ]")


def _attr_list_free(text: str) -> str:
    """The heading text without attr_list's trailing "{#id .class}", which the toc title lacks: what
    Python-Markdown's ``[ ]+\\{\\:?[ ]*([^\\}\\n ][^\\n]*)\\}[ ]*$`` strips (the first " {" that opens one),
    found without that pattern's backtracking over every " {" of a long heading."""
    t = text.rstrip(" ")
    if not t.endswith("}"):
        return text
    i = t.find(" {")
    while i >= 0:
        m = _ATTR_OPEN_RE.match(t, i + 2)
        if m is not None and m.end() < len(t):  # something before the closing brace
            return t[:i].rstrip(" ")
        i = t.find(" {", i + 1)
    return text


def _plain(text: str) -> str:
    return _NON_ALNUM_RE.sub("", _TAG_RE.sub("", text).lower())
