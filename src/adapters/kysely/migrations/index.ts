import type { Migration, MigrationProvider } from 'kysely';
import { initial } from './0001-initial.js';
import { securitySignals } from './0002-security-signals.js';
import { mfa } from './0003-mfa.js';
import { sessionListOrder } from './0004-session-list-order.js';
import { dropSessionTrusted } from './0005-drop-session-trusted.js';
import { signUpRequests } from './0006-sign-up-requests.js';
import { deviceTrustGrants } from './0007-device-trust-grants.js';
import { sessionPasswordHold } from './0008-session-password-hold.js';
import { secretKeys } from './0009-secret-keys.js';
import { workspaces } from './0010-workspaces.js';
import { revocationLog } from './0011-revocation-log.js';
import { sessionReviews } from './0012-session-reviews.js';
import { userDisabled } from './0014-user-disabled.js';
import { incidents } from './0013-incidents.js';
import { workspacePolicies } from './0015-workspace-policies.js';
import { workspaceApiKeys } from './0016-workspace-api-keys.js';
import { auditRetention } from './0017-audit-retention.js';
import { deviceTrustedAt } from './0018-device-trusted-at.js';
import { sessionAddresses } from './0019-session-addresses.js';
import { passkeys } from './0020-passkeys.js';
import { sessionRevokedAt } from './0021-session-revoked-at.js';
import { telemetryHistory } from './0022-telemetry-history.js';
import { oauth } from './0023-oauth.js';
import { oauthClients } from './0024-oauth-clients.js';
import { personalTokens } from './0025-personal-tokens.js';

/** Versioned migrations, applied in name order; never edit one that has shipped. */
const MIGRATIONS: Record<string, Migration> = {
  '0001-initial': initial,
  '0002-security-signals': securitySignals,
  '0003-mfa': mfa,
  '0004-session-list-order': sessionListOrder,
  '0005-drop-session-trusted': dropSessionTrusted,
  '0006-sign-up-requests': signUpRequests,
  '0007-device-trust-grants': deviceTrustGrants,
  '0008-session-password-hold': sessionPasswordHold,
  '0009-secret-keys': secretKeys,
  '0010-workspaces': workspaces,
  '0011-revocation-log': revocationLog,
  '0012-session-reviews': sessionReviews,
  '0014-user-disabled': userDisabled,
  '0013-incidents': incidents,
  '0015-workspace-policies': workspacePolicies,
  '0016-workspace-api-keys': workspaceApiKeys,
  '0017-audit-retention': auditRetention,
  '0018-device-trusted-at': deviceTrustedAt,
  '0019-session-addresses': sessionAddresses,
  '0020-passkeys': passkeys,
  '0021-session-revoked-at': sessionRevokedAt,
  '0022-telemetry-history': telemetryHistory,
  '0023-oauth': oauth,
  '0024-oauth-clients': oauthClients,
  '0025-personal-tokens': personalTokens,
};

export const migrationProvider: MigrationProvider = {
  getMigrations: async () => MIGRATIONS,
};
