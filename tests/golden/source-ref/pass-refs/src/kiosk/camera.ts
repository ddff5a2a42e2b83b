export function start() {
  return open();
}
export function stop() {}
