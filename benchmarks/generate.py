"""Generate a synthetic feature-doc site for the benchmarks.

    python benchmarks/generate.py N OUT_DIR [--seed S]

Writes into OUT_DIR:

* ``mkdocs-plugin.yml`` and ``mkdocs-plain.yml``: identical MkDocs configs
  (Material theme, the same Markdown extensions, the search plugin) except
  that the first one also enables ``reassign``;
* ``docs/features/<area>/<slug>.md``: N feature docs following the
  12-section team template (about 250 lines each: tables, a Mermaid fence
  under HOW IT WORKS, code fences whose lines start with ``#``), linked to
  each other by feature ID;
* one doc per 100 (``P4``, ``P14``, ...) that follows the
  ``visitor-reassignment`` contract;
* ``docs/findings/session-*.md``: one findings session per 100 docs, with
  a NEEDS YOUR ATTENTION table, findings blocks, a minor-issues table and a
  DECISIONS LOG; feature docs cite their session's findings;
* about 5 % planted gaps (a missing or empty section, no diagram, a broken
  link, a link whose text names the wrong ID, sections out of order, an
  unknown finding, a ticket ID in the H1, bad front matter YAML) and a
  stale attention table in every fourth session;
* ``.markdownlint-cli2.jsonc``: markdownlint-cli2 with only MD043
  (required headings) enabled, set to the same template.

The output depends only on N and the seed.
"""

from __future__ import annotations

import argparse
import json
import os
import posixpath
import random
import shutil
from datetime import date, timedelta

AREAS = [
    ("platform", "P"), ("agent", "A"), ("visitor", "V"), ("admin", "AD"), ("api", "API"),
    ("billing", "B"), ("stats", "STATS"), ("monitoring", "MON"), ("auth", "AU"), ("superadmin", "SA"),
]

SECTIONS = [
    "Quick Summary", "Affected Users", "1. WHAT IT DOES", "2. HOW IT WORKS", "3. DETAILED LOGIC", "4. EDGE CASES",
    "5. UI/UX REVIEW", "6. TECHNICAL CONCERNS", "7. FIRST PRINCIPLES REVIEW", "8. CODE REFERENCES",
    "9. RELATED FEATURES", "10. OPEN QUESTIONS",
]

ADJ = ["Agent", "Visitor", "Pool", "Queue", "Call", "Session", "Routing", "Widget", "Billing", "Usage", "Tier", "Idle",
       "Overflow", "Recording", "Transcript", "Presence", "Heartbeat", "Invite", "Consent", "Geo", "Embed", "Webhook",
       "Audit", "Role", "Quota", "Retry", "Schedule", "Holiday", "Language", "Priority"]
NOUN = ["Assignment", "Timeout", "Dashboard", "Settings", "Limits", "Handover", "Status", "Reports", "Export",
        "Notifications", "Permissions", "Sync", "Recovery", "Matching", "Metrics", "History", "Cleanup", "Rules",
        "Preview", "Health", "Escalation", "Throttling", "Validation", "Backfill"]
WORDS = ("agent visitor pool queue call session widget server dashboard socket event timer state request response "
         "record row table page button message status handler retry limit timeout config setting value admin "
         "user account organization site route tier overflow signal stream video audio media recording "
         "transcript presence heartbeat cache index worker job batch export import report metric chart filter "
         "permission role token secret quota invoice plan usage webhook payload schema field column").split()
VERBS = ("sends receives updates stores loads checks validates schedules cancels retries emits closes opens "
         "assigns removes records reports filters shows hides refreshes resolves rejects accepts queues").split()
CONNECT = ["when", "after", "before", "unless", "while", "because", "so that", "until"]
CODE_FILES = ["apps/server/src/features/{a}/{s}.ts", "apps/dashboard/src/features/{a}/{S}.tsx",
              "apps/widget/src/features/{a}/use{S}.ts", "packages/domain/src/{a}/{s}.ts",
              "supabase/migrations/2026_{n:04d}_{s}.sql"]
MERMAID = ["flowchart TD", "stateDiagram-v2", "sequenceDiagram"]
STATUS = ["draft", "in-progress", "review", "complete"]
CONF = ["High", "Medium", "Low"]
TICK = ["✅", "⚠️", "❌"]
SEED = 0  # every text stream is keyed by the seed and the doc index
FRONT_MATTER = True  # False: no doc carries front matter (a real team tree, e.g. the 69-doc one)

# planted gap kinds, cycled over the docs with i % 20 == 7 (5 %)
GAPS = ["missing-section", "empty-section", "no-diagram", "broken-link", "link-id-mismatch", "section-order",
        "unknown-finding", "ticket-h1", "bad-front-matter"]

MD043_HEADINGS = ["?", "## Quick Summary", "## Affected Users", "## 1. WHAT IT DOES", "*", "## 2. HOW IT WORKS", "*",
                  "## 3. DETAILED LOGIC", "*", "## 4. EDGE CASES", "*", "## 5. UI/UX REVIEW", "*",
                  "## 6. TECHNICAL CONCERNS", "*", "## 7. FIRST PRINCIPLES REVIEW", "*", "## 8. CODE REFERENCES", "*",
                  "## 9. RELATED FEATURES", "*", "## 10. OPEN QUESTIONS", "*"]

CONFIG = """\
site_name: Synthetic feature docs ({n} docs)
docs_dir: docs
site_url: https://example.invalid/
theme:
  name: material
  features:
    - navigation.sections
    - navigation.prune
markdown_extensions:
  - admonition
  - attr_list
  - md_in_html
  - tables
  - toc:
      permalink: true
  - pymdownx.superfences:
      custom_fences:
        - name: mermaid
          class: mermaid
          format: !!python/name:pymdownx.superfences.fence_code_format
validation:
  nav:
    omitted_files: ignore
  links:
    not_found: info
nav:
{nav}
plugins:
  - search
{plugin}"""


# ------------------------------------------------------------------ model


class Doc:
    __slots__ = ("i", "area", "prefix", "num", "id", "title", "slug", "rel", "p4", "gap", "session")

    def __init__(self, i: int):
        self.i = i
        self.area, self.prefix = AREAS[i % len(AREAS)]
        self.num = i // len(AREAS) + 1
        self.id = f"{self.prefix}{self.num}"
        r = random.Random(f"{SEED}:name:{i}")
        self.title = f"{r.choice(ADJ)} {r.choice(NOUN)}"
        if self.prefix == "P" and self.num % 10 == 4:
            self.title = "Visitor Reassignment" if self.num == 4 else f"Visitor Reassignment {self.num}"
        base = self.title.lower().replace(" ", "-")
        self.slug = base if self.title.startswith("Visitor Reassignment") else f"{base}-{self.num}"
        self.rel = f"features/{self.area}/{self.slug}.md"
        self.p4 = self.prefix == "P" and self.num % 10 == 4
        self.gap = GAPS[(i // 20) % len(GAPS)] if i % 20 == 7 and not self.p4 else None
        self.session = i // 100


def link(src: Doc, dst: Doc, text: str | None = None) -> str:
    target = posixpath.relpath(dst.rel, posixpath.dirname(src.rel))
    return f"[{text or f'{dst.id}: {dst.title}'}]({target})"


class Session:
    def __init__(self, k: int, docs: list[Doc]):
        self.k = k
        self.day = date(2026, 1, 1) + timedelta(days=k % 360)
        self.rel = f"findings/session-{self.day.isoformat()}{'' if k < 360 else f'-{k // 360}'}.md"
        self.scope = self.day.strftime("%m%d")
        r = random.Random(f"{SEED}:session:{k}")
        group = docs[k * 100 : (k + 1) * 100]
        self.findings = []  # (kind, id, doc, decided, title)
        counters: dict[str, int] = {}
        # a session that repeats a date (k >= 360) numbers its findings after the earlier one's
        base = (k // 360) * 20
        for kind, count in (("CRIT", 2), ("Q", 3), ("UX", 2), ("M", 4)):
            for _ in range(count):
                counters[kind] = counters.get(kind, 0) + 1
                fid = f"{kind}-{self.scope}-{base + counters[kind]:03d}"
                d = r.choice(group)
                decided = r.random() < 0.5 if kind != "M" else False
                self.findings.append((kind, fid, d, decided, sentence(r, 6).rstrip(".")))
        self.drift = k % 4 == 1

    def cited_by(self, d: Doc) -> list[str]:
        return [fid for kind, fid, fd, _dec, _t in self.findings if fd is d and kind in ("Q", "CRIT", "UX")]


# ------------------------------------------------------------------ text


def sentence(r: random.Random, n: int | None = None) -> str:
    n = n or r.randint(8, 16)
    words = []
    for j in range(n):
        if j and j % 5 == 0:
            words.append(r.choice(CONNECT))
        words.append(r.choice(VERBS) if j % 3 == 1 else r.choice(WORDS))
    s = " ".join(words)
    return s[0].upper() + s[1:] + "."


def para(r: random.Random, sentences: int = 3) -> str:
    return " ".join(sentence(r) for _ in range(sentences))


def table(r: random.Random, header: list[str], rows: int, cell=None) -> list[str]:
    out = ["| " + " | ".join(header) + " |", "|" + "|".join("-" * (len(h) + 2) for h in header) + "|"]
    for j in range(rows):
        cells = [cell(j, c) if cell else None for c in range(len(header))]
        cells = [c if c is not None else " ".join(r.choice(WORDS) for _ in range(r.randint(2, 6))) for c in cells]
        out.append("| " + " | ".join(cells) + " |")
    return out


def code_ref(r: random.Random, d: Doc) -> str:
    s = d.slug.split("-")[0]
    tpl = r.choice(CODE_FILES)
    return tpl.format(a=d.area, s=f"{s}-{r.choice(WORDS)}", S=s.capitalize() + r.choice(WORDS).capitalize(), n=d.num)


def mermaid(r: random.Random) -> list[str]:
    kind = r.choice(MERMAID)
    out = ["```mermaid", kind]
    for j in range(r.randint(7, 11)):
        a, b = r.choice(WORDS), r.choice(WORDS)
        if kind == "flowchart TD":
            out.append(f"    N{j}[{a} {r.choice(VERBS)}] --> N{j + 1}{{{b}?}}")
        elif kind == "stateDiagram-v2":
            out.append(f"    {a}_{j} --> {b}_{j + 1}: {r.choice(VERBS)}")
        else:
            out.append(f"    {a.capitalize()}->>{b.capitalize()}: {r.choice(VERBS)} {r.choice(WORDS)}")
    out.append("```")
    return out


# ------------------------------------------------------------------ docs


def feature_doc(d: Doc, docs: list[Doc], sessions: list[Session]) -> str:
    r = random.Random(f"{SEED}:doc:{d.i}")
    n = len(docs)
    by_id = {x.id: x for x in docs}
    gap = d.gap
    L: list[str] = []
    fm = FRONT_MATTER and (d.i % 10 < 7 or d.p4 or gap == "bad-front-matter")  # 70 % carry front matter
    related = sorted({r.randrange(n) for _ in range(4)} - {d.i})[:3]
    rel_docs = [docs[j] for j in related]
    if d.p4:
        must = [by_id[x] for x in ("P2", "A3", "V8") if x in by_id and by_id[x] is not d]
        rel_docs = must + [x for x in rel_docs if x not in must and x is not d][:1]
    if fm:
        L.append("---")
        if gap == "bad-front-matter":
            L += [f"id: {d.id}", f"title: {d.title}: draft: yes", "related: [unclosed"]
        else:
            L += [f"id: {d.id}", f"title: {d.title}", f"area: {d.area}", f"status: {r.choice(STATUS)}",
                  f"confidence: {r.choice(CONF)}", "related: [" + ", ".join(x.id for x in rel_docs) + "]"]
            if d.p4:
                L.append("contract: visitor-reassignment")
        L += ["---", ""]
    if gap == "ticket-h1":
        L.append(f"# Feature: {d.title} (TKT-{100 + d.i})")
    elif fm:
        L.append(f"# Feature: {d.title} ({d.id})")
    else:
        shape = d.i % 3
        L.append([f"# Feature: {d.title} ({d.id})", f"# Feature: {d.id} - {d.title}", f"# Feature {d.id}: {d.title}"][shape])
    L.append("")

    sess = sessions[d.session]
    cites = sess.cited_by(d)
    sections: dict[str, list[str]] = {}

    sections["Quick Summary"] = [para(r, 3)]
    sections["Affected Users"] = [f"- [{'x' if r.random() < 0.7 else ' '}] {u}" for u in
                                  ("Website Visitor", "Agent", "Admin", "Platform Admin")]
    s = ["### Purpose", para(r, 4), "", "### User Goals"]
    s += table(r, ["User Type", "What They Want", "How This Feature Helps"], r.randint(4, 6),
               lambda j, c: ["Visitor", "Agent", "Admin", "Platform Admin", "Visitor", "Agent"][j] if c == 0 else None)
    sections["1. WHAT IT DOES"] = s

    s = ["### High-Level Flow"] + [f"{j + 1}. {sentence(r)}" for j in range(r.randint(4, 6))] + [""]
    if gap == "no-diagram":
        s += ["The flow is described in prose only.", ""]
    else:
        s += mermaid(r) + [""]
    s += ["### State Machine"] + table(r, ["State", "Description", "How to Enter", "How to Exit"], r.randint(4, 6),
                                       lambda j, c: f"`{r.choice(WORDS)}_{j}`" if c == 0 else None)
    sections["2. HOW IT WORKS"] = s

    s = []
    if d.p4:
        s += p4_logic(r)
    for h in range(r.randint(3, 4)):
        s += [f"### {r.choice(ADJ)} {r.choice(NOUN)}", para(r, 3), ""]
        s += [f"- **{r.choice(WORDS).capitalize()}.** {sentence(r)}" for _ in range(r.randint(3, 5))] + [""]
        other = docs[r.randrange(n)]
        if other is not d:
            s += [f"The {r.choice(WORDS)} path is shared with {link(d, other, other.id)}; {sentence(r).lower()}", ""]
    s += ["### Operations", "```bash", "# restart the worker that owns this feature",
          f"kubectl rollout restart deploy/{d.area}-worker", "# tail its log for the feature's events",
          f"kubectl logs -f deploy/{d.area}-worker | grep {d.slug.split('-')[0]}", "```", ""]
    sections["3. DETAILED LOGIC"] = s

    s = ["### Scenario Matrix"]
    s += table(r, ["#", "Scenario", "Trigger", "Current Behavior", "Correct?", "Notes"], r.randint(8, 12),
               lambda j, c: str(j + 1) if c == 0 else (r.choice(TICK) if c == 4 else None))
    if d.p4:
        s += ["| 99 | No agents available in pool or overflow | Any | Visitor queued with a waiting message | ⚠️ | |"]
    s += ["", "### Error States"]
    s += table(r, ["Error", "When It Happens", "What User Sees", "Recovery Path"], r.randint(4, 6))
    sections["4. EDGE CASES"] = s

    s = []
    if d.p4:
        s += ["### What the Visitor Sees",
              "| Step | Visitor Action | System Response |", "|------|----------------|-----------------|",
              "| 1 | Watching an agent who leaves | Preview cross-fades to the new agent, no message shown |",
              "| 2 | In a call when the agent drops | A message is shown, then the new agent |", ""]
    s += ["### Flow Review"] + table(r, ["Step", "User Action", "System Response", "Clear?", "Issues"], r.randint(4, 6),
                                     lambda j, c: str(j + 1) if c == 0 else (r.choice(TICK) if c == 3 else None))
    s += ["", "### Accessibility"] + [f"- {w}: {sentence(r)}" for w in
                                      ("Keyboard navigation", "Screen reader support", "Color contrast", "Loading states")]
    sections["5. UI/UX REVIEW"] = s

    s = []
    for sub in ("Performance", "Security", "Reliability"):
        s += [f"### {sub}"] + table(r, ["Concern", "Implementation", "Status"], r.randint(2, 4),
                                    lambda j, c: r.choice(TICK) if c == 2 else None) + [""]
    sections["6. TECHNICAL CONCERNS"] = s

    s = ["### Does This Make Sense?"]
    for j, q in enumerate(("Is the mental model clear?", "Is the control intuitive?", "Is feedback immediate?",
                           "Is the flow reversible?", "Are errors recoverable?", "Is the complexity justified?")):
        s.append(f"{j + 1}. **{q}** {r.choice(['Yes', 'Mostly', 'No'])} - {sentence(r).lower()}")
    s += ["", "### Identified Issues"] + table(r, ["Issue", "Impact", "Severity", "Suggested Fix"], r.randint(2, 4),
                                               lambda j, c: r.choice(["🔴", "🟡", "🟢"]) if c == 2 else None)
    sections["7. FIRST PRINCIPLES REVIEW"] = s

    s = table(r, ["Purpose", "File", "Lines", "Notes"], r.randint(8, 12),
              lambda j, c: f"`{code_ref(r, d)}`" if c == 1 else (f"{10 * j + 1}-{10 * j + r.randint(5, 60)}" if c == 2 else None))
    s += ["", "A helper the feature relies on:", "", "```python",
          "# resolve the owner of a session; None when it left", "def owner_of(session_id: str) -> str | None:",
          "    # sessions live in the shared store", "    session = store.get(session_id)",
          "    return session.agent_id if session else None", "```"]
    sections["8. CODE REFERENCES"] = s

    s = []
    for j, x in enumerate(rel_docs):
        if gap == "broken-link" and j == 0:
            s.append(f"- [{x.id}: {x.title}](../{x.area}/{x.slug}-old.md) - {sentence(r).lower()}")
        elif gap == "link-id-mismatch" and j == 0:
            wrong = docs[(x.i + 1) % n]
            s.append(f"- [{wrong.id}: {wrong.title}]({posixpath.relpath(x.rel, posixpath.dirname(d.rel))}) - {sentence(r).lower()}")
        else:
            s.append(f"- {link(d, x)} - {sentence(r).lower()}")
    sections["9. RELATED FEATURES"] = s

    qs = []
    for j in range(r.randint(2, 4)):
        cite = f" Logged as {cites[j]}." if j < len(cites) else ""
        qs.append(f"{j + 1}. {sentence(r)[:-1]}?{cite}")
    if gap == "unknown-finding":
        qs.append(f"{len(qs) + 1}. Was this settled? See Q-{sess.scope}-999.")
    sections["10. OPEN QUESTIONS"] = qs

    order = list(SECTIONS)
    if gap == "missing-section":
        order.remove(SECTIONS[(d.i // 20) % 10 + 2])
    if gap == "section-order":
        a, b = order.index("5. UI/UX REVIEW"), order.index("6. TECHNICAL CONCERNS")
        order[a], order[b] = order[b], order[a]
    for name in order:
        L.append(f"## {name}")
        if gap == "empty-section" and name == "10. OPEN QUESTIONS":
            L.append("")
            continue
        L += sections[name]
        L.append("")
        if name not in ("Quick Summary", "10. OPEN QUESTIONS"):
            L += ["---", ""]
    return "\n".join(L).rstrip("\n") + "\n"


def p4_logic(r: random.Random) -> list[str]:
    return [
        "### All Reassignment Triggers",
        "| Trigger | Event / Source | Grace Period | Visitors Affected |",
        "|---------|----------------|--------------|-------------------|",
        "| Disconnect (socket closed) | Socket.IO `disconnect` | 8 s grace period | All visitors of the agent |",
        "| Away | `AGENT_AWAY` from the dashboard | None | Watching and ringing visitors |",
        "| Reject | `CALL_REJECT` from the incoming-call modal | None | The visitor whose request was declined |",
        "| Logout | `AGENT_LOGOUT` from the dashboard menu | None | All visitors of the agent |",
        "",
        "### Reassignment Flow",
        "```mermaid",
        "flowchart TD",
        "    T[Trigger] --> S[reassignVisitorsOf agent]",
        "    S --> F[findBestAgent, exclude previous agent]",
        "    F --> A{Agent found?}",
        "    A -- yes --> B[Bind visitor]",
        "    A -- no --> Q[Queue visitor: no agents available]",
        "```",
        "",
        "### Pre-Call vs Mid-Call",
        "| Aspect | Pre-call | Mid-call |",
        "|--------|----------|----------|",
        "| WebRTC | No peer connection yet | The widget closes the `RTCPeerConnection` |",
        "| Re-request | Automatic: a pending request rings the new agent | The visitor clicks Start call again |",
        "",
        "### Database Logging",
        "Every hop closes the old `call_logs` row and opens a new one with `reassigned_from_id` set.",
        "",
        "### Critical Review",
        "- **Cascade?** Rejects can cascade between two agents; exclusions are now kept per request.",
        f"- **Grace period?** Only for socket disconnects. {sentence(r)}",
        "",
    ]


def session_doc(s: Session, docs: list[Doc]) -> str:
    r = random.Random(f"{SEED}:sessiondoc:{s.k}")
    L = [f"# Documentation Session: {s.day.strftime('%B %d, %Y')}", "", "---", "", "## ⚠️ NEEDS YOUR ATTENTION", "",
         "| Type | Count | IDs |", "|------|-------|-----|"]
    open_by = {}
    for kind, fid, _d, decided, _t in s.findings:
        if not decided and kind != "M":
            open_by.setdefault(kind, []).append(fid)
    for kind, emoji, label in (("CRIT", "🔴", "CRITICAL"), ("Q", "🟡", "Questions"), ("UI", "🎨", "UI Review"),
                               ("CRED", "🔑", "Credentials Needed"), ("UX", "💡", "UX Recommendations")):
        ids = open_by.get(kind, [])
        count = len(ids) + (1 if s.drift and kind == "Q" else 0)
        L.append(f"| {emoji} **{label}** | {count} | {', '.join(ids) or '-'} |")
    L += ["", f"**Status:** {sentence(r)}", "", "---", "", "## Session Info", f"- **Started:** {s.day.isoformat()}",
          f"- **Focus:** {sentence(r, 6)}", "- **PM Agent:** Main Chat", "", "---", ""]
    decisions = []

    def block(kind, fid, d, decided, title, asked):
        out = [f"### {fid}: {title}", f"**{asked}:** Doc Agent {r.randint(1, 9)}", f"**Feature:** {d.id}",
               f"**File:** `{code_ref(r, d)}:{r.randint(1, 200)}`", "", "**Current Behavior:**", para(r, 2), ""]
        if kind == "CRIT":
            out += ["**Why It's Critical:**", para(r, 2), ""]
        elif kind == "Q":
            out += ["**Why I'm Asking:**", para(r, 1), "", "**Option A:** " + sentence(r), "**Option B:** " + sentence(r), ""]
        out += ["**Suggested Fix:**", sentence(r), "", "**YOUR DECISION:**" if kind != "Q" else "**YOUR ANSWER:**"]
        tick_here = decided and r.random() < 0.5
        if decided and not tick_here:
            decisions.append((fid, title))
        out += [f"- [{'x' if tick_here else ' '}] {o}" for o in ("Confirmed - create ticket", "Intentional because: ___", "Need more info: ___")]
        out += ["", "---", ""]
        return out

    L += ["## 🔴 CRITICAL ISSUES (Stop & Alert Immediately)", "", "> Agents stop and wait for a decision on these.", "",
          "<!--", "### CRIT-0000-000: [Title]", "**Found by:** Doc Agent X", "**Feature:** [ID]", "-->", ""]
    for f in s.findings:
        if f[0] == "CRIT":
            L += block(*f, asked="Found by")
    L += ["## 🟡 QUESTIONS FOR HUMAN (Need Your Input)", ""]
    for f in s.findings:
        if f[0] == "Q":
            L += block(*f, asked="Asked by")
    L += ["## 🎨 AWAITING YOUR REVIEW", "", "| ID | Feature | What to Review | Status |", "|----|---------|----------------|--------|",
          "| - | - | - | - |", "", "---", "", "## 🔑 CREDENTIALS NEEDED", "", "| ID | Service | Why Needed | Status |",
          "|----|---------|------------|--------|", "| - | - | - | - |", "", "---", "",
          "## 🟢 MINOR ISSUES (Logged for Later)", "", "| ID | Feature | Issue | Severity |", "|----|---------|-------|----------|"]
    for kind, fid, d, _dec, title in s.findings:
        if kind == "M":
            L.append(f"| {fid} | {d.id} | {title} | 🟢 Low |")
    L += ["", "---", "", "## 💡 UX RECOMMENDATIONS", ""]
    for f in s.findings:
        if f[0] == "UX":
            L += block(*f, asked="Found by")
    L += ["## DECISIONS LOG", "", "| Time | ID | Question/Issue | Decision |", "|------|----|----------------|----------|"]
    for j, (fid, title) in enumerate(decisions):
        L.append(f"| {10 + j}:00 | {fid} | {title} | **Confirmed** |")
    L += ["", "## END OF SESSION CHECKLIST", "", "- [ ] Every finding has an owner", "- [ ] Attention table matches the open findings"]
    return "\n".join(L) + "\n"


# ------------------------------------------------------------------ site


def generate(n: int, out: str, seed: int = 0, front_matter: bool = True) -> dict:
    global SEED, FRONT_MATTER
    SEED, FRONT_MATTER = seed, front_matter
    docs_dir = os.path.join(out, "docs")
    if os.path.isdir(docs_dir):
        shutil.rmtree(docs_dir)
    docs = [Doc(i) for i in range(n)]
    sessions = [Session(k, docs) for k in range((n + 99) // 100)]
    lines = 0
    for d in docs:
        text = feature_doc(d, docs, sessions)
        lines += text.count("\n")
        _write(os.path.join(docs_dir, d.rel), text)
    for s in sessions:
        _write(os.path.join(docs_dir, s.rel), session_doc(s, docs))
    # home and one index per area (the nav); feature docs stay out of the nav, like a big real site
    _write(os.path.join(docs_dir, "index.md"), f"# Synthetic feature docs\n\n{n} feature docs in {len(AREAS)} areas.\n")
    nav = ["  - Home: index.md"]
    for area, _p in AREAS:
        mine = [d for d in docs if d.area == area]
        body = [f"# {area.capitalize()} features", ""] + [f"- [{d.id}: {d.title}]({d.slug}.md)" for d in mine]
        _write(os.path.join(docs_dir, "features", area, "index.md"), "\n".join(body) + "\n")
        nav.append(f"  - {area.capitalize()}: features/{area}/index.md")
    nav.append("  - Findings:")
    nav += [f"    - {s.rel}" for s in sessions[:20]]
    for name, plugin in (("mkdocs-plain.yml", ""), ("mkdocs-plugin.yml", "  - reassign\n")):
        with open(os.path.join(out, name), "w", encoding="utf-8") as f:
            f.write(CONFIG.format(n=n, nav="\n".join(nav), plugin=plugin))
    md043 = {
        "config": {"default": False, "MD043": {"headings": MD043_HEADINGS, "match_case": True}},
    }
    with open(os.path.join(out, ".markdownlint-cli2.jsonc"), "w", encoding="utf-8") as f:
        f.write("// markdownlint-cli2 with only MD043 (required headings): the 12-section template\n")
        json.dump(md043, f, indent=2)
        f.write("\n")
    return {"docs": n, "sessions": len(sessions), "lines": lines, "gaps": sum(1 for d in docs if d.gap),
            "p4_like": sum(1 for d in docs if d.p4)}


def _write(path: str, text: str) -> None:
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("n", type=int)
    ap.add_argument("out")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--no-front-matter", action="store_true", help="no doc carries front matter (like a real team's tree)")
    a = ap.parse_args(argv)
    os.makedirs(a.out, exist_ok=True)
    print(json.dumps(generate(a.n, a.out, a.seed, not a.no_front_matter)))


if __name__ == "__main__":
    main()
