/** US dollars: four decimals below a dollar (model calls cost fractions of a cent), two above. */
export function formatCost(usd: number): string {
  const safe = Number.isFinite(usd) && usd > 0 ? usd : 0;
  return safe < 1 ? `$${safe.toFixed(4)}` : `$${safe.toFixed(2)}`;
}
