export const volume = 3;
