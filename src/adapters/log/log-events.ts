/**
 * The recorder's log sink: one structured line per domain event, with ids and outcomes only.
 * Never a token, a password, a code or an email address (a typed email may be someone's
 * password pasted into the wrong field).
 */
import type { Logger } from 'pino';
import type { DomainEvent, EventSink } from '../../core/events.js';
import type { Actor } from '../../core/security-events.js';

export function logEvent(log: Logger): EventSink {
  return (event: DomainEvent) => {
    switch (event.type) {
      case 'signed_in':
        log.info(
          {
            event: 'sign_in',
            user_id: event.user.id,
            session_id: event.session.id,
            client_id: event.session.clientId,
            mfa: event.secondFactor,
            risk: event.risk.map((s) => s.kind),
          },
          'signed in',
        );
        return;
      case 'sign_in_failed':
        log.info(
          { event: 'sign_in_failed', step: event.step, outcome: event.outcome, ip: event.place.ip, user_id: event.userId },
          'sign-in refused',
        );
        return;
      case 'second_factor_required':
        log.info({ event: 'sign_in_mfa_required', user_id: event.userId, client_id: event.clientId }, 'password accepted; code required');
        return;
      case 'session_ended':
        log.info(
          {
            event: 'session_revoked',
            user_id: event.userId,
            session_id: event.session.id,
            reason: event.reason,
            actor: actorLog(event.actor),
          },
          'session ended',
        );
        return;
      case 'sessions_ended':
        log.info(
          {
            event: 'sessions_revoked',
            user_id: event.userId,
            scope: event.scope,
            count: event.count,
            reason: event.reason,
            actor: actorLog(event.actor),
          },
          'sessions ended',
        );
        return;
      case 'session_rotated':
        log.info(
          {
            event: 'session_rotated',
            user_id: event.userId,
            session_id: event.sessionId,
            previous_session_id: event.previousId,
            cause: event.cause,
            actor: actorLog(event.actor),
          },
          'session token rotated',
        );
        return;
      case 'revocation_refused':
        log.info({ event: 'revocation_refused', user_id: event.userId, actor: actorLog(event.actor) }, 'no such session to end');
        return;
      case 'session_reported':
        log.info(
          { event: 'session_reported', user_id: event.userId, session_id: event.sessionId, actor: actorLog(event.actor) },
          'sign-in reported as not the owner',
        );
        return;
      case 'password_changed':
        log.info(
          { event: event.how === 'reset' ? 'password_reset' : 'password_changed', user_id: event.user.id, revoked: event.revoked },
          event.how === 'reset' ? 'password reset with a link' : 'password changed',
        );
        return;
      case 'password_reset_requested':
        log.info({ event: 'password_reset_requested', user_id: event.userId }, 'password reset mail sent');
        return;
      case 'sign_up_attempted':
        log.info(
          { event: 'sign_up_attempted', user_id: event.user.id, ip: event.place.ip },
          'sign-up tried with a taken address; owner told',
        );
        return;
      case 'mfa_changed':
        log.info({ event: event.change, user_id: event.userId, actor: actorLog(event.actor) }, 'two-step verification changed');
        return;
      case 'account_status_changed':
        log.info(
          { event: event.disabled ? 'account_disabled' : 'account_enabled', user_id: event.userId, actor: actorLog(event.actor) },
          event.disabled ? 'account disabled' : 'account enabled',
        );
        return;
      case 'review_requested':
        log.info(
          {
            event: 'review_requested',
            user_id: event.userId,
            reason: event.reason,
            workspace_id: event.workspaceId,
            requested_by: event.requestedBy,
          },
          'session review requested',
        );
        return;
      case 'sessions_reviewed':
        log.info(
          {
            event: 'sessions_reviewed',
            user_id: event.userId,
            completed: event.completed,
            sign_outs: event.signOuts,
            actor: actorLog(event.actor),
          },
          'sessions reviewed',
        );
        return;
    }
  };
}

function actorLog(actor: Actor): Record<string, unknown> {
  switch (actor.kind) {
    case 'session':
      return { kind: 'session', session_id: actor.sessionId, ip: actor.ip };
    case 'admin':
      return { kind: 'admin', admin_id: actor.adminId, ip: actor.ip };
    case 'link':
      return { kind: 'link', ip: actor.ip };
    case 'policy':
      return { kind: 'policy', policy: actor.policy };
    case 'system':
      return { kind: 'system' };
  }
}
