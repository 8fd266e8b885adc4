/** The session id is the part of a client secret before `_secret_`: cs_abc_secret_xyz → cs_abc. */
export function sessionIdFromSecret(clientSecret: string): string | null {
  const at = clientSecret.indexOf('_secret_');
  return at > 0 ? clientSecret.slice(0, at) : null;
}
