export const HEARTBEAT_INTERVAL = 25000;
export const RETRY_DELAY = 1000;
