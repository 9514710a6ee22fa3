// Who may do what over the HTTP API: the one table of roles, permissions and
// routes. Every /v1 route names its permission here (a route missing from the
// table cannot be registered), every key has one role, and a role is a set of
// permissions. Plain data and functions, no fastify. The roles and the keys
// themselves are the configuration's (src/config/apiSettings.ts, which reads
// API_KEYS): they are re-exported here for the API's own use.
import { isRole, ROLES, type ApiKey, type Role, type SignedInKey } from '../config/apiSettings';

export { isRole, ROLES, type ApiKey, type Role, type SignedInKey };

export const PERMISSIONS = [
  'ads:read',
  'ads:start',
  'ads:edit',
  'ads:select',
  'ads:approve',
  'ads:cancel',
  'campaigns:read',
  'campaigns:start',
  'campaigns:edit',
  'campaigns:approve',
  'campaigns:cancel',
] as const;
export type Permission = (typeof PERMISSIONS)[number];


const READ: readonly Permission[] = ['ads:read', 'campaigns:read'];

/** Each role's permissions. `admin` has every permission there is (and every one added later). */
export const ROLE_PERMISSIONS: Readonly<Record<Role, readonly Permission[]>> = {
  // Reads ads, campaigns, media and event streams.
  viewer: READ,
  // Steers ads in review: edit, select, approve, cancel (ads and campaigns).
  operator: [...READ, 'ads:edit', 'ads:select', 'ads:approve', 'ads:cancel', 'campaigns:edit', 'campaigns:approve', 'campaigns:cancel'],
  // Another service: starts ads and campaigns, and may cancel what it started.
  service: [...READ, 'ads:start', 'ads:cancel', 'campaigns:start', 'campaigns:cancel'],
  admin: PERMISSIONS,
};

/**
 * The permission of every /v1 route, by "METHOD url" as the route is declared
 * (a HEAD request needs what the GET needs). The session routes (sign-in and
 * sign-out) and GET /v1/me need only a valid key.
 */
export const ROUTE_PERMISSIONS: Readonly<Record<string, Permission | 'signed-in'>> = {
  'GET /v1/me': 'signed-in',
  'POST /v1/ads': 'ads:start',
  'GET /v1/ads': 'ads:read',
  'GET /v1/ads/:adId': 'ads:read',
  'GET /v1/ads/:adId/events': 'ads:read',
  'GET /v1/ads/:adId/media/*': 'ads:read',
  'POST /v1/ads/:adId/edits': 'ads:edit',
  'POST /v1/ads/:adId/selections': 'ads:select',
  'POST /v1/ads/:adId/approve': 'ads:approve',
  'POST /v1/ads/:adId/cancel': 'ads:cancel',
  'POST /v1/campaigns': 'campaigns:start',
  'GET /v1/campaigns/:campaignId': 'campaigns:read',
  'POST /v1/campaigns/:campaignId/edits': 'campaigns:edit',
  'POST /v1/campaigns/:campaignId/approve': 'campaigns:approve',
  'POST /v1/campaigns/:campaignId/cancel': 'campaigns:cancel',
};

/** The permission a route needs; undefined for a route the table does not know (which must not be served). */
export function routePermission(method: string, url: string): Permission | 'signed-in' | undefined {
  const verb = method.toUpperCase() === 'HEAD' ? 'GET' : method.toUpperCase();
  return ROUTE_PERMISSIONS[`${verb} ${url}`];
}

export function roleAllows(role: Role, permission: Permission | 'signed-in'): boolean {
  return permission === 'signed-in' || ROLE_PERMISSIONS[role].includes(permission);
}




/** What a signed-in caller is told about itself (GET /v1/me): never the token. */
export interface KeyIdentity {
  name: string;
  role: Role;
  permissions: Permission[];
}

export function identityOf(key: Pick<ApiKey, 'name' | 'role'>): KeyIdentity {
  return { name: key.name, role: key.role, permissions: [...ROLE_PERMISSIONS[key.role]] };
}

/** The refusal of a request its role does not allow, naming the key, its role and the missing permission. */
export function forbiddenMessage(key: Pick<ApiKey, 'name' | 'role'>, permission: Permission): string {
  return `key "${key.name}" (role ${key.role}) lacks permission ${permission}`;
}
