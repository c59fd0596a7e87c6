/** Replaced at build time (electron-vite `define`) by package.json's version. */
declare const __APP_VERSION__: string;
