/** Pieces the user and token pages share: role choices, unit lists, the text of a status. */
import { t } from "../../i18n/da.ts";
import { ROLES } from "../../lib/auth.ts";
import type { Role, UnitRef, UserView } from "../../lib/types.ts";

export const ROLE_OPTIONS: readonly (readonly [Role, string])[] = ROLES.map(
  (r) => [r, t(`role.${r}`)] as const,
);

export function roleLabel(role: string): string {
  return (ROLES as readonly string[]).includes(role) ? t(`role.${role as Role}`) : role;
}

/** "Digitalisering, Løn" for a budgetansvarlig; "Alle" for roles without units. */
export function unitsText(units: readonly UnitRef[]): string {
  return units.length === 0 ? t("users.allUnits") : units.map((u) => u.name).join(", ");
}

export function UnitsCell({ units }: { units: readonly UnitRef[] }) {
  if (units.length === 0) return <>{t("users.allUnits")}</>;
  return (
    <ul className="plain-list">
      {units.map((u) => (
        <li key={u.id}>{u.name}</li>
      ))}
    </ul>
  );
}

/** The unit ids sorted, so two lists of the same units compare equal. */
export function unitIds(units: readonly UnitRef[]): number[] {
  return [...new Set(units.map((u) => u.id))].sort((a, b) => a - b);
}

/** "Aktiv, skal skifte adgangskode". */
export function userStatus(u: UserView): string {
  const parts = [u.disabled ? t("users.disabled") : t("users.active")];
  if (u.mustChangePassword) parts.push(t("users.mustChange"));
  if (u.oidcLinked) parts.push(t("users.oidc"));
  else if (!u.hasPassword) parts.push(t("users.noPassword"));
  return parts.join(", ");
}
