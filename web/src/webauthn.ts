/**
 * The browser's passkey calls (W3C WebAuthn Level 3), behind one small interface so the pages
 * never call navigator.credentials themselves and tests pass a fake through the services
 * (services.tsx). The real one wraps @simplewebauthn/browser, which turns the server's JSON
 * options into the browser's binary ones and the browser's answer back into JSON.
 */
import {
  browserSupportsWebAuthn,
  browserSupportsWebAuthnAutofill,
  startAuthentication,
  startRegistration,
  WebAuthnAbortService,
} from '@simplewebauthn/browser';
import type {
  AuthenticationResponseJSON,
  PublicKeyCredentialCreationOptionsJSON,
  PublicKeyCredentialRequestOptionsJSON,
  RegistrationResponseJSON,
} from '@simplewebauthn/browser';
import { messages } from './messages';

export interface WebAuthn {
  /** The browser can create and use passkeys at all. */
  supported(): boolean;
  /** The browser offers passkeys in the autofill of a field marked `autocomplete="… webauthn"` (conditional mediation). */
  supportsAutofill(): Promise<boolean>;
  /** Creates a passkey with the server's creation options (the browser asks the person). */
  register(options: PublicKeyCredentialCreationOptionsJSON): Promise<RegistrationResponseJSON>;
  /**
   * Signs the server's challenge with a passkey. With `autofill`, the request waits quietly until
   * the person picks a passkey from the email field's suggestions; any later request aborts it.
   */
  authenticate(options: PublicKeyCredentialRequestOptionsJSON, autofill?: boolean): Promise<AuthenticationResponseJSON>;
  /** Aborts the pending request, if any (its promise rejects with an AbortError). */
  cancel(): void;
}

export const browserWebAuthn: WebAuthn = {
  supported: () => browserSupportsWebAuthn(),
  supportsAutofill: () => browserSupportsWebAuthnAutofill(),
  register: (optionsJSON) => startRegistration({ optionsJSON }),
  authenticate: (optionsJSON, autofill = false) => startAuthentication({ optionsJSON, useBrowserAutofill: autofill }),
  cancel: () => WebAuthnAbortService.cancelCeremony(),
};

/**
 * The kinds of failure a person can meet. The browser gives few details on purpose (a cancel,
 * a timeout and "no passkey here" are all NotAllowedError), so the words stay calm and general.
 */
export type PasskeyFailure = 'cancelled' | 'aborted' | 'exists' | 'unsupported' | 'other';

export function passkeyFailure(err: unknown): PasskeyFailure {
  if (!(err instanceof Error)) return 'other';
  const code = (err as { code?: unknown }).code;
  if (err.name === 'AbortError' || code === 'ERROR_CEREMONY_ABORTED') return 'aborted';
  if (err.name === 'NotAllowedError') return 'cancelled';
  if (err.name === 'InvalidStateError' || code === 'ERROR_AUTHENTICATOR_PREVIOUSLY_REGISTERED') return 'exists';
  if (err.name === 'NotSupportedError' || /not supported/i.test(err.message)) return 'unsupported';
  return 'other';
}

/** A sentence for a failed browser step; `null` when nothing should be said (a request this page aborted). */
export function passkeyFailureText(err: unknown): string | null {
  const w = messages.webauthn;
  switch (passkeyFailure(err)) {
    case 'aborted':
      return null;
    case 'cancelled':
      return w.cancelled;
    case 'exists':
      return w.exists;
    case 'unsupported':
      return w.unsupported;
    default:
      return w.failed(err instanceof Error && err.message.trim() !== '' ? err.message : null);
  }
}
