export const RETRY_DELAY = 500;
