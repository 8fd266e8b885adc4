/** The host element's shadow styles, adopted as a constructed sheet (works under a strict CSP). */
export const hostCss =
  ':host{display:block;min-width:0}' +
  ':host([hidden]){display:none}' +
  'iframe{display:block;width:100%;height:0;border:0;margin:0;padding:0;overflow:hidden;color-scheme:normal;background:transparent}';
