/** True for an absolute http: or https: URL (never javascript:, data: and the like). */
export function isHttpUrl(value: string): boolean {
  try {
    const { protocol } = new URL(value);
    return protocol === 'https:' || protocol === 'http:';
  } catch {
    return false;
  }
}

/** True when `value` is exactly a serialized http(s) origin such as `https://shop.example:8443`. */
export function isOrigin(value: string | null | undefined): value is string {
  if (!value || !isHttpUrl(value)) return false;
  return new URL(value).origin === value;
}
