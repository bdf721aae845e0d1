/**
 * Environment entries that clear the machine's own proxy variables, for runs against loopback test
 * servers: a proxy of the machine's would otherwise carry those calls (or refuse them).
 */
export const WITHOUT_PROXY = {
  HTTP_PROXY: undefined,
  HTTPS_PROXY: undefined,
  http_proxy: undefined,
  https_proxy: undefined,
} as const;
