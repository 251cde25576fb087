// Security by default: without authentication, sonde only listens on
// loopback. Anything wider must be asked for explicitly.
export function isLoopbackHost(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  return h === 'localhost' || h === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(h);
}

/** Returns an error message when the listen address is not allowed, else null. */
export function exposureProblem(host: string, insecure: boolean, tokenCount: number): string | null {
  if (isLoopbackHost(host) || insecure || tokenCount > 0) return null;
  return (
    `refusing to listen on ${host}: it is reachable from other machines and no authentication is configured. ` +
    'Create a token first (sonde token create --role admin), listen on 127.0.0.1 (the default), ' +
    'or pass --insecure to accept the risk.'
  );
}

/** Tokens are checked when sonde is reachable from elsewhere, or when asked to on loopback too. */
export function authRequired(host: string, tokenCount: number, requiredOnLoopback: boolean): boolean {
  if (tokenCount === 0) return false;
  if (isLoopbackHost(host)) return requiredOnLoopback;
  return true;
}
