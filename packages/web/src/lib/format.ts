const money = new Intl.NumberFormat("en-US", { style: "currency", currency: "USD" });
const longDate = new Intl.DateTimeFormat("en-US", {
  weekday: "short",
  month: "short",
  day: "numeric",
  year: "numeric",
  hour: "numeric",
  minute: "2-digit",
});
const month = new Intl.DateTimeFormat("en-US", { month: "short" });
const time = new Intl.DateTimeFormat("en-US", { hour: "2-digit", minute: "2-digit", second: "2-digit" });
const count = new Intl.NumberFormat("en-US");

export const formatPrice = (cents: number) => money.format(cents / 100);
export const formatDateTime = (iso: string) => longDate.format(new Date(iso));
export const formatTime = (iso: string) => time.format(new Date(iso));
export const formatCount = (n: number) => count.format(n);
export const formatTickets = (n: number) => `${count.format(n)} ${n === 1 ? "ticket" : "tickets"}`;

export function dateBadge(iso: string): { month: string; day: string } {
  const date = new Date(iso);
  return { month: month.format(date).toUpperCase(), day: String(date.getDate()) };
}
