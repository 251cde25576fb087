// Access control: tokens with roles, checked on every request when sonde is exposed.
export { type AuditEntry, audit, requestActor } from './audit-log.js';
export { installAuth } from './hook.js';
export { loginRoutes } from './login-routes.js';
export { SESSION_COOKIE, SessionStore } from './sessions.js';
export { requiredRole, roleAllows } from './roles.js';
export { ROLES, type Role, type TokenRecord, TokenStore } from './token-store.js';
