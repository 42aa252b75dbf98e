/**
 * What the log keeps of a request: method and path. Query strings are dropped for sign-in
 * addresses (the identity provider's one-time code travels there); headers (cookies, tokens)
 * and bodies (passwords, municipal data) are never logged.
 */
export function loggedUrl(url: string): string {
  return url.startsWith("/api/auth/") || url.startsWith("/api/session") ? (url.split("?")[0] ?? "") : url;
}
