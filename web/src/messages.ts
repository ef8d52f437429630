/**
 * Every string a person reads on the pages, in one place, so a translation is one new object of
 * the same type. Counts go through functions because plural rules differ between languages.
 * Server-provided text (error messages, device names, the boundary text) is never here: it is
 * shown as given.
 */
export const en = {
  locale: 'en',
  productName: 'sessiond',

  nav: {
    skipToContent: 'Skip to main content',
    breadcrumb: 'Breadcrumb',
    settings: 'Settings',
    security: 'Security',
    sessions: 'Active sessions',
    activity: 'Security activity',
    password: 'Password',
    mfa: 'Two-step verification',
    passkeys: 'Passkeys',
    workspaces: 'Workspaces',
    instance: 'Instance',
    sectionNav: 'Security settings',
    signOut: 'Sign out',
    signingOut: 'Signing out…',
    signedInAs: (email: string) => `Signed in as ${email}`,
  },

  common: {
    cancel: 'Cancel',
    retry: 'Try again',
    loadingPage: 'Loading the page…',
    offline: 'You are offline. Changes cannot be made until the connection is back; the list refreshes then.',
    networkError: 'Could not reach the server. Check your connection and try again.',
    unexpectedResponse: (status: number) => `The server answered with an unexpected response (HTTP ${status}).`,
    /** The wait a 429 names (Retry-After), rounded up to a unit a person reads: "Try again in 15 minutes." */
    retryAfter: (seconds: number) => {
      const [n, unit] =
        seconds < 60
          ? [Math.max(1, Math.ceil(seconds)), 'second']
          : seconds < 3600
            ? [Math.ceil(seconds / 60), 'minute']
            : [Math.ceil(seconds / 3600), 'hour'];
      return `Try again in ${n} ${unit}${n === 1 ? '' : 's'}.`;
    },
  },

  notices: {
    signed_out: 'You signed out.',
    session_ended: 'You were signed out: this session ended or was signed out from another device. Sign in again to continue.',
    sign_in_required: 'Sign in to continue.',
    workspace_invitation: 'Sign in to accept the invitation to a workspace. Use the account of the address the invitation was sent to.',
    signedOutEverywhere: (n: number | null) =>
      n === null || n < 1
        ? 'You signed out everywhere.'
        : n === 1
          ? 'You signed out everywhere: 1 session ended.'
          : `You signed out everywhere: ${n} sessions ended.`,
  },

  signIn: {
    title: 'Sign in',
    intro: 'Sign in to manage your account.',
    email: 'Email',
    password: 'Password',
    submit: 'Sign in',
    submitting: 'Signing in…',
    errorTitle: 'Sign-in failed',
    codeTitle: 'Two-step verification',
    codeIntro: 'Enter the 6-digit code from your authenticator app, or one of your recovery codes.',
    code: 'Authentication code',
    codeSubmit: 'Verify',
    codeSubmitting: 'Verifying…',
    codeRestart: 'The sign-in took too long. Enter your email and password again.',
    back: 'Back to email and password',
    rememberDevice: (days: number) => `Remember this device for ${days} ${days === 1 ? 'day' : 'days'}`,
    rememberDeviceHint: 'Sign-ins from this browser skip the code until then. Leave it unticked on a shared or public computer.',
    /** Passkeys: the button of the modal request (the email field's autofill offers them too). */
    or: 'or',
    passkey: 'Sign in with a passkey',
    passkeyWorking: 'Waiting for your passkey…',
    /** At the code step, the passkey as the second step. */
    usePasskey: 'Use a passkey instead',
    passkeyHint: 'Your browser or phone asks you to unlock a passkey saved for this site.',
  },

  forms: {
    showPassword: 'Show password',
  },

  reauth: {
    title: 'Confirm it’s you',
    intro: 'This action is sensitive. Enter your password to continue; you won’t be asked again for the next 10 minutes.',
    introCode: 'This action is sensitive. Enter a code from your authenticator app (or a recovery code) to continue.',
    password: 'Password',
    code: 'Authentication code',
    useCode: 'Use an authenticator code instead',
    usePassword: 'Use your password instead',
    submit: 'Confirm',
    submitting: 'Checking…',
    cancelled: 'Not done: you did not confirm it’s you.',
    usePasskey: 'Use a passkey',
    passkeyWorking: 'Waiting for your passkey…',
  },

  /** What the browser's passkey step can end with (webauthn.ts). The browser does not say more on purpose. */
  webauthn: {
    cancelled: 'No passkey was used. The request was cancelled or timed out; try again when you are ready.',
    exists: 'This device already holds a passkey for your account. Use it, or add one on another device.',
    unsupported: 'This browser cannot use passkeys. Try another browser, or your phone.',
    failed: (detail: string | null) =>
      detail === null ? 'The passkey could not be used. Try again.' : `The passkey could not be used: ${detail}`,
  },

  passkeys: {
    title: 'Passkeys',
    intro:
      'A passkey signs you in with your fingerprint, face or screen lock instead of a password. It is saved by your device or password manager, works only on this site, and cannot be phished.',
    loading: 'Loading your passkeys…',
    loadError: 'Your passkeys could not be loaded.',
    listLabel: 'Your passkeys',
    empty: 'You have no passkeys yet.',
    count: (n: number, limit: number) => `${n} of ${limit} passkeys`,
    atLimit: (limit: number) => `You have the most passkeys an account can have (${limit}). Remove one to add another.`,
    add: 'Add a passkey',
    adding: 'Adding…',
    addWaiting: 'Follow your browser’s steps to create the passkey…',
    added: (name: string) => `The passkey “${name}” was added. You can sign in with it now.`,
    nameLabel: 'Name of the new passkey',
    nameHint: 'So you can tell your passkeys apart, e.g. “Work laptop”. You can rename it later.',
    nameInvalid: 'Give the passkey a name of 1 to 64 characters.',
    defaultName: (device: string) => `Passkey on ${device}`,
    defaultNameGeneric: 'My passkey',
    created: (when: string) => `Added ${when}`,
    lastUsed: (when: string) => `Last used ${when}`,
    neverUsed: 'Never used',
    synced: 'Synced',
    syncedHint: 'Saved by a password manager that copies it to your other devices.',
    deviceBound: 'This device only',
    deviceBoundHint: 'Kept on one device or security key; it is not copied anywhere.',
    authenticator: (name: string) => `Saved in ${name}`,
    rename: 'Rename',
    renameLabel: (name: string) => `Rename ${name}`,
    renameField: (name: string) => `New name for ${name}`,
    renameSave: 'Save',
    renameSaving: 'Saving…',
    renamed: (name: string) => `Renamed to “${name}”.`,
    remove: 'Remove',
    removeLabel: (name: string) => `Remove ${name}`,
    removeTitle: (name: string) => `Remove the passkey “${name}”?`,
    removeBody:
      'It stops working here at once. Your device or password manager may still list it: delete it there too. Your other ways to sign in stay as they are.',
    removeConfirm: 'Remove passkey',
    removing: 'Removing…',
    removed: (name: string) => `The passkey “${name}” was removed.`,
    disabledTitle: 'Passkeys are not available at this address',
    disabledBody: (origin: string, ipAddress: boolean) =>
      ipAddress
        ? `This server is opened at ${origin}, an IP address. Passkeys belong to a domain name, so browsers refuse them at an IP address.`
        : `This server does not offer passkeys at ${origin}: its public address (--public-url) is not a domain name.`,
    disabledFix: (port: string) =>
      `To use them on the computer sessiond runs on, start it with --public-url http://localhost${port} and open http://localhost${port}. For other devices, give it a domain name with HTTPS as its --public-url.`,
    unsupported: 'This browser cannot create passkeys. Try another browser or device.',
  },

  mfa: {
    title: 'Two-step verification',
    intro:
      'Sign-ins ask for a code from an authenticator app after your password, so a stolen password alone is not enough to get into your account.',
    loading: 'Loading…',
    loadError: 'The two-step verification settings could not be loaded.',
    statusOff: 'Two-step verification is off.',
    statusOn: 'Two-step verification is on.',
    codesLeft: (n: number) => (n === 1 ? '1 recovery code left.' : `${n} recovery codes left.`),
    setUp: 'Set up an authenticator app',
    starting: 'Starting…',
    scanTitle: 'Scan this QR code',
    scanBody: 'Open your authenticator app (for example Google Authenticator, 1Password or Aegis) and scan the code.',
    qrAlt: 'QR code to add this account to an authenticator app',
    manualKey: 'Can’t scan it? Enter this key in the app instead:',
    code: 'Code from the app',
    codeHint: 'The 6-digit code the app shows for sessiond.',
    confirm: 'Turn on',
    confirming: 'Turning on…',
    cancelSetup: 'Cancel',
    codesTitle: 'Save your recovery codes',
    codesBody:
      'If you lose your phone, each of these codes signs you in once instead of an app code. Store them somewhere safe, such as a password manager. They are shown only now.',
    codesListLabel: 'Recovery codes',
    codesDone: 'I have saved my codes',
    enabled: 'Two-step verification is now on.',
    enabledSignedOut: 'Two-step verification is now on and every other session was signed out.',
    signOutOthers: 'Sign out of all other sessions',
    signOutOthersHint: 'Anyone signed in elsewhere without the code is signed out. This device stays signed in.',
    newCodes: 'Get new recovery codes',
    newCodesWorking: 'Creating codes…',
    turnOff: 'Turn off two-step verification',
    turnOffTitle: 'Turn off two-step verification?',
    turnOffBody: 'Sign-ins will need only your password, your recovery codes stop working and no device stays trusted.',
    turnOffConfirm: 'Turn off',
    turnOffWorking: 'Turning off…',
    disabled: 'Two-step verification is off.',
    codesCopy: 'Copy',
    codesCopied: 'Recovery codes copied.',
    codesCopyFailed: 'The codes could not be copied. Select them and copy them yourself.',
    codesDownload: 'Download (.txt)',
    codesDownloaded: 'Recovery codes downloaded as sessiond-recovery-codes.txt.',
    codesPrint: 'Print',
    codesFileHeader: (product: string, email: string | null) =>
      `${product} recovery codes${email === null ? '' : ` for ${email}`}. Each code signs you in once instead of an authenticator code.`,
    devicesTitle: 'Trusted devices',
    devicesIntro: 'Sign-ins from these devices skip the authenticator code until their trust ends. Stop trusting any you no longer use.',
    devicesLoading: 'Loading trusted devices…',
    devicesLoadError: 'The trusted devices could not be loaded.',
    devicesEmpty: 'No device is trusted.',
    devicesListLabel: 'Trusted devices',
    deviceThis: 'This device',
    deviceApp: (app: string) => `App: ${app}`,
    deviceSince: (day: string) => `Trusted since ${day}`,
    deviceUntil: (day: string) => `Trusted until ${day}`,
    deviceStop: 'Stop trusting',
    deviceStopLabel: (name: string) => `Stop trusting ${name}`,
    deviceStopped: (name: string) => `${name} is no longer trusted. Its next sign-in asks for a code.`,
  },

  sessions: {
    title: 'Active sessions',
    intro: 'Where your account is signed in right now. Sign out of any session you don’t recognise, then change your password.',
    covers: 'What this list includes',
    excludes: 'What it does not include',
    boundarySummary: 'What this list includes, and what it does not',
    configError: (message: string) => `The description of what this list includes could not be loaded: ${message}`,
    listLabel: 'Signed-in sessions',
    loading: 'Loading your sessions…',
    refreshing: 'Refreshing…',
    updatedAt: (time: string) => `Updated ${time}`,
    empty: 'There are no active sessions.',
    onlyThisSession: 'This is your only active session.',
    onlyThisSessionBesidesDevices: 'This is your only session in a browser or app. Command-line and device sign-ins are listed above.',
    loadError: 'Your sessions could not be loaded.',
    refreshError: (message: string) => `The list could not be refreshed: ${message} It may be out of date.`,
    thisDevice: 'This device',
    trusted: 'Trusted device',
    trustedHint: 'Sign-ins from this device skip the authenticator code.',
    trustedUntil: (day: string) => `Trusted until ${day}`,
    unknownDevice: 'Unknown device',
    unknownLocation: 'Location unknown',
    approximate: 'approximate',
    approximateHint: 'Approximate location, worked out from the IP address. It can be wrong by many kilometres.',
    near: (place: string) => `near ${place}`,
    inCountry: (country: string) => `in ${country}`,
    location: 'Location',
    ip: 'IP address',
    signedIn: 'Signed in',
    lastActive: 'Last active',
    activeNow: 'Active now',
    signInMethod: 'Sign-in method',
    app: 'App',
    device: 'Device',
    kinds: {
      browser: 'Web browser',
      desktop: 'Desktop app',
      mobile: 'Mobile app',
      cli: 'Command line',
      service: 'Service',
    } as Record<string, string>,
    signOut: 'Sign out',
    signOutLabel: (what: string) => `Sign out ${what}`,
    signOutOthers: 'Sign out of all other sessions',
    signOutEverywhere: 'Sign out everywhere',
    bulkHeading: 'Sign out of several sessions',
    bulkHeadingAlone: 'Sign out',
    attribution: 'IP Geolocation by DB-IP',
    attributionLead: 'Locations:',
    // Dialogs say exactly what will happen, with the count and who stays signed in.
    confirmOneTitle: 'Sign out this session?',
    confirmOneBody: (what: string) =>
      `${what} will be signed out right away. Anyone using it will have to sign in again. Your other sessions, including this device, stay signed in.`,
    confirmCurrentTitle: 'Sign out on this device?',
    confirmCurrentBody: 'This device will be signed out and you will return to the sign-in page. Your other sessions stay signed in.',
    confirmOthersTitle: 'Sign out of all other sessions?',
    confirmOthersBody: (n: number) =>
      n === 1
        ? 'The 1 other session will be signed out right away. This device stays signed in.'
        : `All ${n} other sessions will be signed out right away. This device stays signed in.`,
    confirmAllTitle: 'Sign out everywhere?',
    confirmAllBody: (n: number) =>
      n === 1
        ? 'Your only session, on this device, will be signed out and you will return to the sign-in page.'
        : `All ${n} sessions, including this device, will be signed out right away. You will return to the sign-in page.`,
    confirm: 'Sign out',
    confirmOthers: 'Sign out other sessions',
    confirmAll: 'Sign out everywhere',
    working: 'Signing out…',
    revokedCount: (n: number) => (n === 1 ? 'Signed out 1 session.' : `Signed out ${n} sessions.`),
    /** The toast after one session was signed out, naming it (device · app): "Signed out iPhone · sessiond for iOS." */
    revokedOne: (device: string, app: string) => `Signed out ${device} · ${app}.`,
    revokedNone: 'There were no other sessions to sign out.',
    alreadyGone: 'That session had already ended. The list is up to date now.',
    trustThis: 'Trust this device',
    trustThisHint: 'Sign-ins from this browser skip the authenticator code for 30 days.',
    stopTrusting: 'Stop trusting',
    stopTrustingLabel: (what: string) => `Stop trusting ${what}`,
    trustedNow: 'This device is trusted: its sign-ins skip the authenticator code.',
    untrustedNow: 'That device is no longer trusted: its next sign-in asks for a code.',
    // "I lost this device": every session on the device the row's session ran on, not only that one.
    lostDevice: 'Lost this device?',
    lostDeviceLabel: (what: string) => `Lost this device? ${what}`,
    confirmLostTitle: 'Lost this device?',
    confirmLostLead: (what: string) => `If the device of ${what} is lost, stolen or no longer yours:`,
    confirmLostSessions: 'Every session on that device is signed out right away, not only this one.',
    confirmLostTrust: 'The device stops being trusted: signing in on it again takes two-step verification.',
    confirmLostStays: 'Your other devices, including this one, stay signed in. If someone may know your password, change it too.',
    confirmLost: 'Sign out that device',
    lostDone: (n: number, untrusted: boolean) =>
      `${n === 0 ? 'No session was left on that device to sign out.' : n === 1 ? 'Signed out 1 session on that device.' : `Signed out ${n} sessions on that device.`}${
        untrusted ? ' It is no longer trusted.' : ''
      }`,
    // Several sessions on one device, under the device's heading (the count is of sessions).
    deviceSessions: (n: number) => (n === 1 ? '1 session' : `${n} sessions`),
    deviceSessionsLabel: (device: string) => `Sessions on ${device}`,
    signOutDevice: 'Sign out of device',
    signOutDeviceLabel: (device: string, n: number) => `Sign out of device: ${device} (${n === 1 ? '1 session' : `${n} sessions`})`,
    confirmDeviceTitle: (device: string) => `Sign out of ${device}?`,
    confirmDeviceLead: (n: number) =>
      `${n === 1 ? 'Its session is' : `All ${n} of its sessions are`} signed out right away, and any other session on that device.`,
  },

  activity: {
    title: 'Recent security activity',
    intro:
      'Sign-ins, sign-outs and changes to how your account is protected, newest first. If something here was not you, sign that session out and change your password.',
    listLabel: 'Security events',
    loading: 'Loading your security activity…',
    loadError: 'Your security activity could not be loaded.',
    moreError: (message: string) => `Older activity could not be loaded: ${message}`,
    offline: 'You are offline. This activity may be out of date; it reloads when the connection is back.',
    empty: 'There is no security activity on your account yet.',
    loadMore: 'Load more',
    loadingMore: 'Loading…',
    seeAll: 'See all security activity',
    review: 'Review your sessions',
    unusual: 'Check this',
    newDevice: 'New device',
    thisDevice: 'This device',
    approximate: 'approximate',
    app: 'App',
    device: 'Device',
    location: 'Location',
    ip: 'IP address',
    reasonsLabel: 'Why it was flagged',
    titles: {
      sign_in: 'Signed in',
      sign_in_failed: 'Failed sign-in: wrong password',
      new_device: 'Sign-in from a new device',
      suspicious_sign_in: 'Unusual sign-in',
      session_revoked: 'A session was signed out',
      session_signed_out: 'Signed out',
      session_reported: 'A sign-in was reported as not you, and that session was signed out',
      password_changed: 'Password changed',
      password_reset_requested: 'Password reset link requested',
      password_reset: 'Password reset',
      mfa_enabled: 'Two-step verification turned on',
      mfa_disabled: 'Two-step verification turned off',
      device_trusted: 'A device was trusted: its sign-ins skip the authenticator code',
      device_untrusted: 'A device is no longer trusted',
      recovery_codes_replaced: 'New recovery codes made: the old ones no longer work',
      review_requested: 'You were asked to review your sessions',
      sessions_reviewed: 'You reviewed your sessions',
      reauthenticated: 'Confirmed it was you (password, code or passkey) before a sensitive change',
      passkey_added: 'A passkey was added: it can sign in to your account',
      passkey_removed: 'A passkey was removed: it no longer signs in to your account',
    } as Record<string, string>,
    /** A sign-in's code step, when it was recorded (SecurityEvent.second_factor). */
    secondFactor: {
      totp: 'With a code from the authenticator app.',
      recovery: 'With a recovery code.',
      trusted_device: 'No code asked: the device was trusted.',
      passkey: 'With a passkey as the second step.',
    } as Record<string, string>,
    /** review_requested, by its reason (the event does not name the workspace). */
    reviewRequested: {
      workspace_request: 'An administrator of your workspace asked you to review your sessions',
      onboarding: 'You joined a workspace and were asked to review your sessions',
      password_reset: 'Your password was reset: you were asked to review your sessions',
      suspicious_sign_in: 'A sign-in looked unusual: you were asked to review your sessions',
    } as Record<string, string>,
    /** sessions_reviewed: the sessions the person signed out between being asked and confirming. */
    sessionsReviewedCount: (n: number) =>
      n === 0
        ? 'No session was signed out before you confirmed.'
        : n === 1
          ? '1 session was signed out before you confirmed.'
          : `${n} sessions were signed out before you confirmed.`,
    /**
     * Issue 11's credential changes; `name` is the event's `reason` (the app's or token's name),
     * `place` where it happened ("near Frankfurt, DE") when known.
     */
    credential: {
      app_connected: (name: string | null) => (name === null ? 'A new app was connected' : `A new app was connected: ${name}`),
      app_removed: (name: string | null) =>
        name === null ? 'An app’s access was removed' : `An app’s access was removed: ${name} can no longer use your account`,
      device_sign_in_approved: (place: string | null) => `A command-line sign-in was approved${place === null ? '' : ` ${place}`}`,
      relying_party_signed_out: (name: string | null) =>
        name === null ? 'Signed out of an app you signed in to with this account' : `Signed out of ${name}`,
      token_created: (name: string | null) =>
        name === null ? 'A personal access token was created' : `A personal access token was created: ${name}`,
      token_revoked: (name: string | null) =>
        name === null ? 'A personal access token was revoked' : `A personal access token was revoked: ${name}`,
    },
    unknownKind: (kind: string) => `Security event (${kind.replace(/_/g, ' ')})`,
    /** A revocation that names the session it ended: "Pixel 8 · Mobile app · near Amsterdam was signed out". */
    sessionEnded: (session: string) => `${session} was signed out`,
    sessionReported: (session: string) => `${session} was reported as not you and signed out`,
    sessionsRevoked: (n: number | null, reason: string | null) =>
      reason === 'revoke_others'
        ? n === 1
          ? 'The 1 other session was signed out'
          : `${n ?? 'All'} other sessions were signed out`
        : reason === 'revoke_all'
          ? n === 1
            ? 'Every session was signed out (1 session)'
            : `Every session was signed out (${n ?? 'all'} sessions)`
          : n === 1
            ? '1 session was signed out'
            : `${n ?? 'Several'} sessions were signed out`,
    passwordChangedCount: (n: number) =>
      n === 0 ? 'No other session was signed out.' : n === 1 ? '1 other session was signed out.' : `${n} other sessions were signed out.`,
    passwordResetCount: (n: number) =>
      n === 0
        ? 'No session was signed in.'
        : n === 1
          ? 'Your signed-in session was signed out.'
          : `All ${n} signed-in sessions were signed out.`,
    actor: {
      you: 'By you, on this device',
      otherSession: 'By another of your sessions',
      admin: 'By an administrator',
      link: 'With the link from an email sent to you',
      system: 'Automatically',
      policy: 'By your workspace’s session policy',
    } as Record<string, string>,
    /** The rule of a workspace policy that ended a session (src/core/workspace-policy.ts PolicyRule). */
    policyRule: {
      max_lifetime: 'it reached the longest a session may last',
      idle_timeout: 'it was unused too long',
      max_sessions: 'too many sessions at once, and it was the oldest',
      mfa_required: 'two-step verification is required',
      trusted_device: 'this app needs a trusted device',
      allowed_countries: 'not from an allowed country',
    } as Record<string, string>,
    signals: {
      new_device: 'A device not used on this account before',
      new_client: 'An app not used on this account before',
      newCountry: (country: string) => `A country this account has not signed in from before (${country})`,
      travel: (from: string | null, km: number | null) =>
        `Too far from the previous sign-in${from === null ? '' : ` (${from})`} to have travelled in the time between${km === null ? '' : `: ${km} km`}`,
      failures: (n: number) => (n === 1 ? 'Right after 1 failed attempt' : `Right after ${n} failed attempts`),
      unknown: (kind: string) => kind.replace(/_/g, ' '),
    },
  },

  /**
   * Issue 11 on Active sessions (pages/credentials/): device sign-ins, connected apps, "Signed in
   * with your account", personal access tokens, and what the bulk sign-outs may end besides.
   */
  credentials: {
    /** OAuth scopes in words; any other scope is shown as the server names it. */
    scopeWords: {
      openid: 'Confirm it’s you',
      profile: 'Your name',
      email: 'Your email address',
      offline_access: 'Stay connected when you’re away',
    } as Record<string, string>,
    logoAlt: (app: string) => `Logo of ${app}`,
    loading: 'Loading…',
    near: (place: string) => `near ${place}`,
    // Device (command-line) sign-ins, in the signed-in sessions area.
    devicesTitle: 'Command-line and device sign-ins',
    devicesIntro: 'Sign-ins you approved with a code, for example from a terminal.',
    devicesEmpty: 'No command-line or device sign-in is active.',
    deviceApproved: (when: string) => `Approved ${when}`,
    deviceSignOutTitle: 'Sign out this device sign-in?',
    deviceSignOutBody: (what: string) =>
      `${what} will be signed out right away: it can no longer use your account until you approve a new sign-in.`,
    // Connected apps.
    appsTitle: 'Connected apps',
    appsIntro: 'Apps you allowed to use your account. Remove any you no longer use.',
    appsEmpty: 'No app is connected to your account.',
    appsLoadError: 'Your connected apps could not be loaded.',
    firstParty: 'Made by us',
    thirdParty: 'Third-party app',
    mayAccess: 'It may',
    authorized: (when: string) => `Connected ${when}`,
    lastUsed: (when: string) => `Last used ${when}`,
    neverUsed: 'Not used yet',
    removeAccess: 'Remove access',
    removeAccessLabel: (app: string) => `Remove access for ${app}`,
    removeTitle: (app: string) => `Remove access for ${app}?`,
    removeBody: (app: string) =>
      `This ends ${app}’s access to your account right away and signs you out there. To use it again you will have to connect it again.`,
    removeConfirm: 'Remove access',
    removing: 'Removing…',
    removed: (app: string) => `${app} can no longer use your account.`,
    // "Sign in with" sessions at other apps.
    rpTitle: 'Signed in with your account',
    rpIntro: 'Apps you signed in to with this account.',
    rpEmpty: 'You are not signed in to any app with this account.',
    rpLoadError: 'The apps you signed in to could not be loaded.',
    rpSignedIn: (when: string) => `Signed in ${when}`,
    rpSignOutLabel: (app: string) => `Sign out of ${app}`,
    rpSignOutTitle: (app: string) => `Sign out of ${app}?`,
    rpSignOutBody: (app: string) => `${app} is told to sign you out right away. You can sign in to it again with your account.`,
    rpSignedOut: (app: string) => `Signed out of ${app}.`,
    signOut: 'Sign out',
    signingOut: 'Signing out…',
    alreadyGone: 'That had already ended. The list is up to date now.',
    // Personal access tokens.
    tokensTitle: 'Personal access tokens',
    tokensIntro: 'Tokens that scripts and tools use to reach the API as you. Anyone who has one can act as you within its scopes.',
    tokensEmpty: 'You have no personal access tokens.',
    tokensLoadError: 'Your personal access tokens could not be loaded.',
    tokenScopes: 'Scopes',
    tokenCreated: (when: string) => `Created ${when}`,
    tokenExpires: (day: string) => `Expires ${day}`,
    tokenExpired: (day: string) => `Expired ${day}`,
    tokenNoExpiry: 'Never expires',
    tokenLastUsed: (when: string, ip: string | null) => `Last used ${when}${ip === null ? '' : ` from ${ip}`}`,
    tokenNeverUsed: 'Never used',
    createTitle: 'Create a token',
    tokenName: 'Token name',
    tokenNameHint: 'What it is for, so you recognise it later (up to 64 characters).',
    tokenNameMissing: 'Give the token a name of 1 to 64 characters.',
    scopesLegend: 'What it may do',
    scopesMissing: 'Choose at least one scope.',
    expiry: 'Expires after',
    expiryDays: (n: number) => (n === 1 ? '1 day' : `${n} days`),
    noExpiry: 'No expiry',
    create: 'Create token',
    creating: 'Creating…',
    createError: 'The token was not created.',
    createdTitle: (name: string) => `Token “${name}” created`,
    createdBody: 'Copy it now and keep it somewhere safe: you won’t see it again. If you lose it, revoke it and create a new one.',
    secretLabel: 'Your new token',
    copy: 'Copy',
    copied: 'Token copied.',
    copyFailed: 'The token could not be copied. Select it and copy it yourself.',
    done: 'I have copied it',
    revoke: 'Revoke',
    revokeLabel: (name: string) => `Revoke ${name}`,
    revokeTitle: (name: string) => `Revoke “${name}”?`,
    revokeBody: 'Anything that uses this token stops working right away. This cannot be undone.',
    revokeConfirm: 'Revoke token',
    revoking: 'Revoking…',
    revoked: (name: string) => `“${name}” was revoked.`,
    // The bulk sign-outs' extra choice.
    alsoCredentials: 'Also remove connected apps and revoke personal access tokens',
    alsoEnds: (apps: number, devices: number, tokens: number) => {
      const parts: string[] = [];
      if (apps > 0) parts.push(apps === 1 ? '1 connected app loses access' : `${apps} connected apps lose access`);
      if (devices > 0) parts.push(devices === 1 ? '1 command-line sign-in ends' : `${devices} command-line sign-ins end`);
      if (tokens > 0) parts.push(tokens === 1 ? '1 personal access token stops working' : `${tokens} personal access tokens stop working`);
      if (parts.length === 0) return 'There are no connected apps or personal access tokens to end.';
      const list = parts.length === 1 ? parts[0]! : `${parts.slice(0, -1).join(', ')} and ${parts[parts.length - 1]!}`;
      return `With this ticked, ${list} as well.`;
    },
    keptCredentials: 'Your connected apps and personal access tokens keep working.',
    alsoEnded: (apps: number, devices: number, tokens: number) => {
      const parts: string[] = [];
      if (apps > 0) parts.push(apps === 1 ? 'Removed 1 connected app.' : `Removed ${apps} connected apps.`);
      if (devices > 0) parts.push(devices === 1 ? 'Ended 1 command-line sign-in.' : `Ended ${devices} command-line sign-ins.`);
      if (tokens > 0) parts.push(tokens === 1 ? 'Revoked 1 personal access token.' : `Revoked ${tokens} personal access tokens.`);
      return parts.join(' ');
    },
  },

  /** The consent page (`/oauth/consent?uid=…`): an app asks to use the account. */
  consent: {
    title: 'Allow access?',
    loading: 'Loading the request…',
    wants: (app: string) => `${app} wants to use your account`,
    firstParty: 'An app made by us.',
    thirdParty: 'A third-party app, not made by us. Allow it only if you trust it.',
    device: (device: string | null, place: string | null) =>
      `A sign-in on ${device ?? 'a device'}${place === null ? '' : ` ${place}`} is asking for access.`,
    deviceWarning: 'Allow it only if you started this sign-in yourself, just now.',
    scopesTitle: 'It will be able to',
    noScopes: 'Know that it is you.',
    allow: 'Allow',
    deny: 'Deny',
    working: 'One moment…',
    expired: 'This request has expired or was already answered.',
    expiredHint: 'Go back to the app and start again.',
    loadError: 'The request could not be loaded.',
    noUid: 'This address is missing the request. Go back to the app and start again.',
    cancelled: 'Nothing was allowed: you did not confirm it was you.',
  },

  /** One session's own page (pages/sessions/session-page.tsx), reached from its row of Active sessions. */
  sessionPage: {
    /** The row's link to it, named for the session it is about. */
    details: 'Details',
    detailsLabel: (what: string) => `Details and history of ${what}`,
    back: 'Active sessions',
    backLabel: 'Back to Active sessions',
    title: (device: string, app: string) => `${device} · ${app}`,
    loading: 'Loading this session…',
    loadError: 'This session could not be loaded.',
    notFoundTitle: 'Session not found',
    notFound: 'There is no such session on your account. It may have ended long ago, or the link is wrong.',
    noId: 'No session was named. Open one from the list of Active sessions.',
    ended: 'Ended',
    endedAt: (when: string) => `Ended ${when}`,
    endedReasons: {
      sign_out: 'Signed out on that device',
      revoked_by_user: 'Signed out from another of your sessions',
      revoke_others: 'Signed out with all other sessions',
      revoke_all: 'Signed out everywhere',
      password_changed: 'Ended when your password was changed',
      password_reset: 'Ended when your password was reset',
      admin: 'Ended by an administrator of your workspace',
      reported: 'Reported as not you, and signed out',
      policy: 'Ended by your workspace’s session policy',
      expired: 'Expired: it was unused too long, or reached its longest life',
    } as Record<string, string>,
    endedHow: 'How it ended',
    expires: 'Ends',
    /** How a session was signed in (format.ts signInMethodText picks one). */
    signInMethods: {
      password: 'Password',
      mfa: 'Password + authenticator code',
      /** The second step was a passkey (the sign-in event's second_factor says so). */
      mfaPasskey: 'Password + passkey',
      passkey: 'Passkey',
    } as Record<string, string>,
    signOutThis: 'Sign out this session',
    signOutHere: 'Sign out on this device',
    signedOut: (device: string, app: string) => `Signed out ${device} · ${app}. The history below now shows how it ended.`,
    addressesTitle: 'Addresses and places',
    addressesIntro: 'Every address this session was used from, with its approximate place. The most recent is first.',
    addressesLabel: 'Addresses this session was used from',
    firstSeen: 'First seen',
    lastSeen: 'Last seen',
    noAddresses: 'No address was recorded for this session.',
    historyTitle: 'History',
    historyIntro: 'Its sign-in, each time it confirmed it was you, changes to its device’s trust and how it ended, newest first.',
    historyLabel: 'History of this session',
    noHistory: 'Nothing was recorded about this session.',
  },

  /** The banner on every signed-in page while a review of the sessions is pending (components/review-banner.tsx). */
  reviews: {
    title: 'Review your sessions',
    whyLabel: 'Why you are asked',
    reasons: {
      workspaceRequest: (workspace: string | null) =>
        workspace === null ? 'An administrator of your workspace asked you to.' : `The administrators of ${workspace} asked you to.`,
      onboarding: (workspace: string | null) => (workspace === null ? 'You joined a workspace.' : `You joined ${workspace}.`),
      password_reset: 'Your password was reset.',
      suspicious_sign_in: 'A sign-in to your account looked unusual.',
      other: 'Your account asked for a review.',
    },
    steps: 'Look through the list of your sessions and sign out of any you don’t recognise. Then confirm here.',
    stepsHere: 'Look through the list below and sign out of any session you don’t recognise. Then confirm here.',
    toList: 'Go to your sessions list',
    toListHere: 'Jump to the list',
    confirm: 'I have reviewed my sessions',
    confirming: 'Saving…',
    errorTitle: 'Your review was not saved',
    done: (signOuts: number) =>
      signOuts === 0
        ? 'Thank you: your review is recorded. No session was signed out since you were asked.'
        : signOuts === 1
          ? 'Thank you: your review is recorded. 1 session was signed out since you were asked.'
          : `Thank you: your review is recorded. ${signOuts} sessions were signed out since you were asked.`,
  },

  password: {
    title: 'Change password',
    intro: 'Choose a new password. Use a long passphrase that you do not use anywhere else.',
    current: 'Current password',
    next: 'New password',
    nextHint: 'At least 15 characters. A few unrelated words work well.',
    signOutOthers: 'Sign out of all other sessions',
    signOutOthersHint: 'Recommended if you think someone else knows your password. This device stays signed in.',
    submit: 'Change password',
    submitting: 'Changing password…',
    done: 'Your password was changed.',
    doneSignedOut: 'Your password was changed and every other session was signed out.',
    errorTitle: 'The password was not changed',
  },

  reset: {
    forgot: 'Forgot password?',
    requestTitle: 'Reset your password',
    requestIntro: 'Enter the email address of your account. We will send you a link to choose a new password.',
    email: 'Email',
    send: 'Send reset link',
    sending: 'Sending…',
    sent: 'If an account exists for that address, we sent it a link. The link works once, for 30 minutes. Check your spam folder if it does not arrive.',
    confirmTitle: 'Choose a new password',
    confirmIntro: 'Resetting your password signs your account out everywhere. You then sign in with the new password.',
    newPassword: 'New password',
    save: 'Set new password',
    saving: 'Saving…',
    saved: 'Your password was changed and every session was signed out.',
    signIn: 'Sign in',
    noToken: 'This page needs the link from the reset mail. Ask for a new one.',
    requestAgain: 'Ask for a new link',
    errorTitle: 'That did not work',
    changeRequired: 'Someone reported a sign-in to this account as not theirs. Reset your password to sign in again.',
  },

  signUp: {
    confirmTitle: 'Create your account',
    confirmIntro:
      'You asked to create an account with this address. Creating it does not sign you in: sign in next with the password you chose.',
    confirm: 'Create my account',
    confirming: 'Creating…',
    done: 'Your account was created. Sign in with the password you chose.',
    signIn: 'Sign in',
    noToken: 'This page needs the link from the sign-up mail. Sign up again to get a new one.',
    errorTitle: 'That did not work',
  },

  report: {
    title: 'Was this sign-in not you?',
    intro: 'Signing that session out ends it at once. You will then need a new password to sign in again.',
    confirm: 'Sign that session out',
    confirming: 'Signing out…',
    done: 'That session was signed out. Now reset your password, so whoever signed in cannot do it again.',
    resetNow: 'Reset your password',
    errorTitle: 'That did not work',
  },

  workspaces: {
    title: 'Workspaces',
    intro:
      'A workspace is your team in sessiond. Its administrators see members’ sessions and can end them; its security owner is who to contact about your account’s security.',
    yoursTitle: 'Your workspaces',
    yoursLabel: 'Your workspaces',
    loading: 'Loading…',
    loadError: 'Your workspaces could not be loaded.',
    none: 'You are not a member of any workspace yet. Create one, or open the link in an invitation mail.',
    yourRole: (role: string) => `Your role: ${role}`,
    roles: {
      owner: 'Owner',
      security_admin: 'Security admin',
      member: 'Member',
    } as Record<string, string>,
    roleHints: {
      owner: 'Everything a security admin can do, and invites admins and names the security owner.',
      security_admin: 'Sees members’ sessions, ends them, offboards members, invites members and reads the audit trail.',
      member: 'Uses the workspace; sees its name and security owner.',
    } as Record<string, string>,
    createTitle: 'Create a workspace',
    createName: 'Workspace name',
    createHint: 'You become its owner and its security owner.',
    create: 'Create workspace',
    creating: 'Creating…',
    created: (name: string) => `The workspace ${name} was created.`,
    errorTitle: 'That did not work',
    notFound: 'There is no such workspace, or you are not a member of it.',
    workspaceLoading: 'Loading the workspace…',
    workspaceLoadError: 'The workspace could not be loaded.',
    securityOwner: 'Security owner',
    securityOwnerYou: 'You',
    /** Only when the server could not name the security owner (their account is gone). */
    securityOwnerOther: 'Another member of this workspace (ask your administrators who)',
    securityOwnerHint: 'Who to contact about your account’s security in this workspace.',
    changeOwner: 'Change the security owner',
    changeOwnerLabel: 'New security owner',
    changeOwnerHint: 'An active owner or security admin.',
    changeOwnerSave: 'Name as security owner',
    changeOwnerSaving: 'Saving…',
    ownerChanged: (email: string) => `${email} is now the security owner.`,
    noOtherAdmins: 'Only owners and security admins can be the security owner; invite one to change it.',
    membersTitle: 'Members',
    membersLoading: 'Loading members…',
    membersLoadError: 'The members could not be loaded.',
    membersCaption: (name: string) => `Members of ${name}`,
    columns: {
      email: 'Email',
      role: 'Role',
      status: 'Status',
      sessions: 'Sessions',
      lastActive: 'Last activity',
      mfa: 'Two-step verification',
      trusted: 'Trusted devices',
      lastReview: 'Last review',
      actions: 'Actions',
    },
    neverReviewed: 'Never',
    you: '(you)',
    statusActive: 'Active',
    statusDisabled: 'Disabled',
    disabledSince: (when: string) => `Disabled ${when}`,
    never: 'No active session',
    mfaOn: 'On',
    mfaOff: 'Off',
    viewSessions: 'Sessions',
    viewSessionsLabel: (email: string) => `Show the sessions of ${email}`,
    hideSessions: 'Hide sessions',
    offboard: 'Offboard',
    offboardLabel: (email: string) => `Offboard ${email}`,
    roleLabel: (email: string) => `Role of ${email}`,
    roleSave: 'Change role',
    roleSaveLabel: (email: string) => `Change the role of ${email}`,
    roleSaving: 'Saving…',
    roleChanged: (email: string, role: string) => `${email} is now ${role}. It applies to their next request.`,
    roleError: (email: string, message: string) => `The role of ${email} was not changed: ${message}`,
    inviteTitle: 'Invite a member',
    inviteEmail: 'Email',
    inviteRole: 'Role',
    inviteRoleHintMember: 'Security admins invite members; owners can invite admins too.',
    invite: 'Send invitation',
    inviting: 'Sending…',
    invited: (email: string) =>
      `An invitation was mailed to ${email}. The link works once, for the account with that address, and expires after a few days.`,
    memberSessionsTitle: (email: string) => `Sessions of ${email}`,
    memberSessionsLabel: (email: string) => `Signed-in sessions of ${email}`,
    memberSessionsLoading: 'Loading sessions…',
    memberSessionsLoadError: 'The member’s sessions could not be loaded.',
    memberSessionsEmpty: 'This member has no active session.',
    endSession: 'End session',
    endSessionLabel: (what: string) => `End session: ${what}`,
    endAll: 'End all sessions',
    endOneTitle: 'End this session?',
    endOneBody: (what: string, email: string) =>
      `${what} will be signed out right away. ${email} will see, on their next action there, that an administrator of this workspace ended it.`,
    endAllTitle: 'End all of this member’s sessions?',
    endAllBody: (n: number, email: string) =>
      n === 1
        ? `The 1 session of ${email} will be signed out right away. Their membership stays active; they can sign in again.`
        : `All ${n} sessions of ${email} will be signed out right away. Their membership stays active; they can sign in again.`,
    endConfirm: 'End session',
    endAllConfirm: 'End all sessions',
    ending: 'Ending…',
    endedOne: 'The session was ended.',
    endedMany: (n: number) => (n === 1 ? '1 session was ended.' : `${n} sessions were ended.`),
    alreadyEnded: 'That session had already ended. The list is up to date now.',
    lostDevice: 'Lost device',
    lostDeviceLabel: (what: string) => `Lost device: ${what}`,
    lostTitle: 'Treat this device as lost?',
    lostLead: (what: string, email: string) => `If the device of ${what} is lost, stolen or no longer with ${email}:`,
    lostSessions: 'Every session of theirs on that device is ended right away, not only this one.',
    lostTrust: 'The device stops being trusted: signing in on it again takes two-step verification.',
    lostStays: (email: string) =>
      `Their other devices stay signed in and their membership stays active. ${email} will see that an administrator of this workspace ended those sessions.`,
    lostConfirm: 'End every session on that device',
    lostDone: (email: string, n: number, untrusted: boolean) =>
      `${n === 0 ? `No session of ${email} was left on that device.` : n === 1 ? `1 session of ${email} on that device was ended.` : `${n} sessions of ${email} on that device were ended.`}${
        untrusted ? ' It is no longer trusted.' : ''
      }`,
    offboardTitle: (email: string) => `Offboard ${email}?`,
    offboardLead: 'In one step, right away:',
    offboardSessions: (n: number) =>
      n === 1 ? 'Their 1 active session is ended, on every device.' : `All ${n} of their active sessions are ended, on every device.`,
    offboardDevices: (n: number) =>
      n === 0
        ? 'Every device they trusted stops being trusted: their next sign-in anywhere asks for the authenticator code.'
        : n === 1
          ? 'Their 1 trusted device stops being trusted: their next sign-in anywhere asks for the authenticator code.'
          : `Their ${n} trusted devices stop being trusted: their next sign-in anywhere asks for the authenticator code.`,
    offboardKeys: 'Every workspace API key they made is revoked.',
    offboardMembership: (workspace: string) =>
      `Their membership of ${workspace} is disabled. Only a new invitation brings them back. Their account itself is not deleted.`,
    offboardConfirm: 'Offboard',
    offboarding: 'Offboarding…',
    offboarded: (email: string, sessions: number, devices: number, keys = 0, apps = 0, tokens = 0) =>
      `${email} was offboarded: ${sessions === 1 ? '1 session' : `${sessions} sessions`} ended, ${
        devices === 1 ? '1 device' : `${devices} devices`
      } no longer trusted, ${keys > 0 ? `${keys === 1 ? '1 API key' : `${keys} API keys`} revoked, ` : ''}${
        apps > 0 ? `${apps === 1 ? '1 connected app or device sign-in' : `${apps} connected apps and device sign-ins`} ended, ` : ''
      }${tokens > 0 ? `${tokens === 1 ? '1 personal access token' : `${tokens} personal access tokens`} revoked, ` : ''}membership disabled.`,
    auditTitle: 'Audit trail',
    auditIntro: 'Every administrator action in this workspace, newest first, with who did it and from where.',
    auditLabel: 'Audit trail entries',
    auditLoading: 'Loading the audit trail…',
    auditLoadError: 'The audit trail could not be loaded.',
    auditMoreError: (message: string) => `Older entries could not be loaded: ${message}`,
    auditEmpty: 'There are no entries yet.',
    auditMore: 'Load more',
    auditLoadingMore: 'Loading…',
    auditDownload: 'Download the whole trail:',
    auditJsonl: 'JSON Lines',
    auditCsv: 'CSV',
    auditBy: (who: string) => `By ${who}`,
    auditWithKey: 'with an API key',
    auditFrom: (ip: string) => `from ${ip}`,
    auditActions: {
      'workspace.created': (target: string) => `Created the workspace ${target}`,
      'security_owner.changed': (target: string) => `Named ${target} security owner`,
      'member.invited': (target: string) => `Invited ${target}`,
      'member.joined': (target: string) => `${target} joined`,
      'member.offboarded': (target: string) => `Offboarded ${target}`,
      'session.revoked': (target: string) => `Ended a session of ${target}`,
      'sessions.revoked': (target: string) => `Ended every session of ${target}`,
      'member.role_changed': (target: string) => `Changed the role of ${target}`,
      'device.replaced': (target: string) => `Treated a device of ${target} as lost`,
      'api_key.created': (target: string) => `Created the API key “${target}”`,
      'api_key.revoked': (target: string) => `Revoked the API key “${target}”`,
      'policy.changed': () => 'Changed the session policy',
      'credential.app_connected': (target: string) => `${target} connected an app`,
      'credential.app_removed': (target: string) => `An app of ${target} was removed`,
      'credential.device_sign_in_approved': (target: string) => `${target} approved a command-line or device sign-in`,
      'credential.relying_party_signed_out': (target: string) => `${target} was signed out of an app`,
      'credential.token_created': (target: string) => `${target} made a personal access token`,
      'credential.token_revoked': (target: string) => `A personal access token of ${target} was revoked`,
    } as Record<string, (target: string) => string>,
    auditRoleChange: (from: string, to: string) => `from ${from} to ${to}`,
    auditDeviceReplaced: (n: number, untrusted: boolean) =>
      `${n === 1 ? '1 session ended' : `${n} sessions ended`}${untrusted ? ', no longer trusted' : ''}`,
    /** Incident response: an operation that ends every session matching a filter across the workspace. */
    auditIncident: {
      requested: (n: number, filter: string) => `Asked to end ${n === 1 ? '1 session' : `${n} sessions`} matching ${filter}`,
      waits: (threshold: number) => `waits for a second admin (more than ${threshold})`,
      approved: (n: number) => `Approved ending ${n === 1 ? '1 session' : `${n} sessions`}`,
      refused: (n: number) => `Refused ending ${n === 1 ? '1 session' : `${n} sessions`}`,
      started: (n: number) => `Started ending ${n === 1 ? '1 session' : `${n} sessions`}`,
      progress: (batch: number) => `Ended the sessions of batch ${batch}`,
      finished: (revoked: number, matched: number) =>
        `Finished: ${revoked === 1 ? '1 session' : `${revoked} sessions`} ended of ${matched} matched`,
      thresholdChanged: (from: number, to: number) => `Changed the approval threshold from ${from} to ${to} sessions`,
      everything: 'every session in the workspace',
      operation: (id: string) => `operation ${id.slice(0, 6)}…`,
    },
    auditReviewRequested: (n: number | null) =>
      n === null
        ? 'Asked members to review their sessions'
        : n === 1
          ? 'Asked 1 member to review their sessions'
          : `Asked ${n} members to review their sessions`,
    auditUnknown: (action: string) => action.replace(/[._]/g, ' '),
    auditAsRole: (role: string) => `as ${role}`,
    auditRetentionChanged: (from: number, to: number) => `Changed how long audit entries are kept from ${from} to ${to} days`,
    keys: {
      title: 'API keys',
      intro:
        'Keys let scripts and other tools use this workspace’s admin API. A key acts as the owner who made it, with at most their rights, and only for what its scopes allow. Every key expires.',
      name: 'Name',
      nameHint: 'What uses it, e.g. “Offboarding script”.',
      scopesLegend: 'What it may do',
      scopes: {
        'members:read': 'Read the workspace, its members, their sessions and reviews',
        'members:write': 'Invite members and offboard them',
        'sessions:write': 'End members’ sessions, replace lost devices, ask for reviews',
        'incidents:write': 'Search sessions and run incident response (approving stays with a person)',
        'audit:read': 'Read and export the audit trail',
      } as Record<string, string>,
      expiry: 'Expires in (days)',
      expiryHint: 'From 1 to 365 days.',
      create: 'Create key',
      creating: 'Creating…',
      nameMissing: 'Give the key a name.',
      scopesMissing: 'Choose at least one thing the key may do.',
      expiryInvalid: 'Enter a whole number of days from 1 to 365.',
      createdTitle: (name: string) => `Your new key “${name}”`,
      createdBody: 'Copy it now and keep it somewhere safe: you will not see it again. Send it as “Authorization: Bearer <key>”.',
      tokenLabel: 'The new API key',
      copy: 'Copy',
      copied: 'Copied.',
      copyFailed: 'Could not copy: select the key and copy it yourself.',
      done: 'Done',
      listLabel: 'API keys of this workspace',
      loading: 'Loading the API keys…',
      loadError: 'The API keys could not be loaded.',
      empty: 'There are no API keys yet.',
      madeBy: (who: string) => `Made by ${who}`,
      lastUsed: (when: string) => `Last used ${when}`,
      neverUsed: 'Never used',
      expires: (when: string) => `Expires ${when}`,
      expired: (when: string) => `Expired ${when}`,
      revokedAt: (when: string) => `Revoked ${when}`,
      revoke: 'Revoke',
      revokeLabel: (name: string) => `Revoke the API key ${name}`,
      revokeTitle: (name: string) => `Revoke the API key “${name}”?`,
      revokeBody:
        'Anything still using it is refused from its very next request. This cannot be undone: make a new key if it is needed again.',
      revokeConfirm: 'Revoke key',
      revoking: 'Revoking…',
      revoked: (name: string) => `The API key “${name}” was revoked.`,
    },
    retentionTitle: 'Audit retention',
    retentionLabel: 'Keep audit entries for (days)',
    retentionHint: 'From 30 to 3650 days; entries older than that are deleted for good. Many compliance regimes ask for at least 365.',
    retentionSave: 'Save',
    retentionSaving: 'Saving…',
    retentionInvalid: 'Enter a whole number of days from 30 to 3650.',
    retentionSaved: (days: number) => `Audit entries are now kept for ${days} days.`,
    retentionShown: (days: number) => `Audit entries are kept for ${days} days, then deleted.`,
    /** The session policy (session-policy.tsx): the rules every member's sessions are held to. */
    policy: {
      title: 'Session policy',
      intro: 'The rules every member’s sessions are held to in this workspace. A session that breaks one is signed out and told which.',
      loading: 'Loading the session policy…',
      loadError: 'The session policy could not be loaded.',
      summaryLabel: 'Rules in force',
      none: 'No workspace limits: the product’s own apply.',
      lifetime: (duration: string) => `Sessions end after ${duration}`,
      idle: (duration: string) => `Sessions end when unused for ${duration}`,
      maxSessions: (n: number) =>
        n === 1
          ? 'At most 1 session at a time; a new sign-in ends the previous one'
          : `At most ${n} sessions at a time; a new sign-in ends the oldest`,
      mfa: 'Two-step verification required',
      trustedDevice: (apps: string) => `Trusted device required for: ${apps}`,
      countries: (codes: string) => `Only from: ${codes}; an unknown location is not allowed`,
      duration: {
        days: (n: number) => (n === 1 ? '1 day' : `${n} days`),
        hours: (n: number) => (n === 1 ? '1 hour' : `${n} hours`),
        minutes: (n: number) => (n === 1 ? '1 minute' : `${n} minutes`),
        seconds: (n: number) => (n === 1 ? '1 second' : `${n} seconds`),
      },
      lifetimeLabel: 'Session lifetime (hours)',
      lifetimeHint:
        'A session ends this long after its sign-in, however active. From 5 minutes to 8760 hours (365 days); decimals allowed. Blank: no limit.',
      idleLabel: 'Idle timeout (minutes)',
      idleHint: 'A session unused this long ends. From 5 to 525600 minutes (365 days). Blank: none.',
      maxSessionsLabel: 'Sessions per member at a time',
      maxSessionsHint: 'From 1 to 1000; a sign-in beyond it ends the member’s oldest session. Blank: no limit.',
      mfaLabel: 'Require two-step verification (a session without it has 10 minutes to set it up)',
      appsLegend: 'Require a trusted device',
      appsHint:
        'Sessions of the apps ticked must run on a device trusted after two-step verification; one on another device has 10 minutes to trust it.',
      countriesLabel: 'Allowed countries',
      countriesHint:
        'Two-letter codes separated by commas, e.g. GB, IE. Blank: anywhere. A session whose location is unknown is not allowed.',
      save: 'Save policy',
      saving: 'Saving…',
      lifetimeInvalid: 'Enter the session lifetime in hours, from 5 minutes to 8760 hours (365 days), or leave it blank for no limit.',
      idleInvalid: 'Enter the idle timeout in minutes, from 5 to 525600 (365 days), or leave it blank for none.',
      maxSessionsInvalid: 'Enter the sessions per member as a whole number from 1 to 1000, or leave it blank for no limit.',
      countriesInvalid: (codes: string) => `Not a two-letter country code: ${codes}. Separate codes with commas, e.g. GB, IE.`,
      countriesTooMany: 'Allow at most 250 countries, or leave the field blank to allow anywhere.',
      confirmTitle: 'Save the session policy?',
      confirmBody:
        'It takes effect on every member’s next request. Sessions that break it, yours included, are signed out right away, so some members may have to sign in again.',
      saved: (ended: number) =>
        ended === 0
          ? 'Policy saved. No session broke it.'
          : ended === 1
            ? 'Policy saved. 1 session that broke it was signed out.'
            : `Policy saved. ${ended} sessions that broke it were signed out.`,
    },
    auditCount: (n: number) => (n === 1 ? '1 session' : `${n} sessions`),
    unknownUser: (id: string) => `user ${id.slice(0, 6)}…`,
    reviewsTitle: 'Session reviews',
    reviewsIntro:
      'Ask every member to look over where they are signed in and sign out of what they don’t recognise. Each sees a banner until they confirm “I have reviewed my sessions”.',
    reviewsAsk: 'Ask everyone to review their sessions',
    reviewsAsking: 'Asking…',
    reviewsAsked: (n: number) =>
      n === 0
        ? 'Nobody new was asked: every member already has a review pending.'
        : n === 1
          ? '1 member was asked to review their sessions.'
          : `${n} members were asked to review their sessions.`,
    reviewsLoading: 'Loading the reviews…',
    reviewsLoadError: 'The session reviews could not be loaded.',
    reviewsEmpty: 'There are no active members.',
    reviewsCaption: (name: string) => `Session reviews in ${name}`,
    reviewsSummary: (done: number, pending: number, never: number) => `Reviewed: ${done} · Pending: ${pending} · Never asked: ${never}`,
    reviewColumns: {
      member: 'Member',
      status: 'Review',
      asked: 'Asked',
      completed: 'Reviewed',
      signOuts: 'Signed out',
    },
    reviewDone: 'Reviewed',
    reviewPending: 'Pending',
    reviewNever: 'Never asked',
    reviewSignOuts: (n: number) => (n === 1 ? '1 session' : `${n} sessions`),
    reviewNotYet: '—',
  },

  workspaceJoin: {
    title: 'Join a workspace',
    joining: 'Joining the workspace…',
    joined: (name: string) => `You joined ${name}.`,
    open: 'Open the workspace',
    noToken: 'This page needs the link from the invitation mail.',
    errorTitle: 'You did not join',
    wrongAccount:
      'An invitation works once, before it expires, and only for the account of the address it was sent to. Ask for a new one if you need to.',
    retry: 'Try again',
    toWorkspaces: 'Go to your workspaces',
  },

  overview: {
    title: 'Security overview',
    workspaceTitle: (name: string) => `Security overview: ${name}`,
    instanceTitle: 'Instance security overview',
    workspaceIntro:
      'Sign-ins, failures, suspicious sign-ins and revocations of this workspace’s members, beside the same period one week earlier.',
    instanceIntro: 'Every workspace and account on this instance together, beside the same period one week earlier.',
    instanceWide:
      'Latency, revocation time to effect, alert mails, database errors, unavailable answers, rate limits and cost are measured per node for the whole instance: on this page they are the instance’s figures, not this workspace’s alone.',
    instanceWideBadge: 'Instance-wide',
    back: (name: string) => `Back to ${name}`,
    open: 'Security overview',
    openHint: 'Sign-ins, failures and revocations against last week, as charts.',
    loading: 'Loading the overview…',
    loadError: 'The overview could not be loaded.',
    forbiddenWorkspace: 'Only the owners and security admins of this workspace see its security overview.',
    forbiddenInstance: 'Only the instance’s administrators (the --instance-admins setting) see this page.',
    noWorkspace: 'Choose a workspace on the Workspaces page first.',
    rangeLabel: 'Period',
    ranges: { '24h': 'Last 24 hours', '7d': 'Last 7 days' } as Record<string, string>,
    period: (current: string, previous: string) => `${current}, compared with ${previous}.`,
    figuresTitle: 'Figures',
    figuresCaption: (range: string) => `Every figure for the ${range.toLowerCase()}, last week’s and the change`,
    columns: {
      figure: 'Figure',
      current: 'This period',
      previous: 'Last week',
      change: 'Change',
      better: 'Better when',
    },
    better: { higher: 'Higher', lower: 'Lower', none: 'Neither' } as Record<string, string>,
    verdict: { better: 'better', worse: 'worse' } as Record<string, string>,
    up: 'up',
    down: 'down',
    noChange: 'No change',
    noBaseline: '—',
    noBaselineHint: 'No figure for last week to compare with',
    fromZero: 'from 0',
    points: (n: string) => `${n} pts`,
    none: '—',
    figures: {
      sign_ins: 'Sign-ins',
      sign_in_success_rate: 'Sign-in success rate',
      sign_in_failures: 'Failed sign-ins',
      mfa_failures: 'Failed two-step codes',
      suspicious_sign_ins: 'Suspicious sign-ins',
      suspicious_confirmed: 'Suspicious sign-ins confirmed by the person',
      suspicious_reported: 'Suspicious sign-ins reported (“This wasn’t me”)',
      median_alert_to_review_ms: 'Median time from alert to review or report',
      revocations: 'Sessions ended',
      validation_p50_seconds: 'Session validation, median (p50)',
      validation_p99_seconds: 'Session validation, p99',
      revocation_lag_p99_seconds: 'Revocation time to effect, p99',
      alert_mails_sent: 'Alert mails sent',
      alert_mails_failed: 'Alert mails failed',
      database_errors: 'Database errors and timeouts',
      unavailable_answers: 'Answers refused as unavailable (503)',
      rate_limited: 'Requests rate-limited',
      db_statements_per_request: 'Database statements per request',
      cpu_seconds_per_1000_validations: 'CPU seconds per 1,000 validations',
      cache_hit_ratio: 'Session cache hit ratio',
    } as Record<string, string>,
    failuresTitle: 'Failed sign-ins by reason',
    failuresCaption: 'Failed sign-ins by the reason the person was given, this period and last week',
    failuresNone: 'No failed sign-ins in this period or last week’s.',
    reasonColumn: 'Reason',
    reasons: {
      invalid_credentials: 'Wrong email or password',
      invalid_code: 'Wrong two-step code',
      rate_limited: 'Too many attempts',
      account_disabled: 'Account disabled',
      policy_denied: 'Refused by the workspace’s policy',
      mfa_required: 'Two-step verification required',
      passkey_failed: 'Passkey not accepted',
    } as Record<string, string>,
    actorsTitle: 'Sessions ended, by who ended them',
    actorsCaption: 'Sessions ended by who ended them, this period and last week',
    actorsNone: 'No sessions ended in this period or last week’s.',
    actorColumn: 'Ended by',
    actors: {
      user: 'The person themselves',
      admin: 'A workspace administrator',
      system: 'sessiond (policy, password change, expiry)',
      policy: 'The workspace’s session policy',
      service: 'A service with an API key',
    } as Record<string, string>,
    chartsTitle: 'Charts',
    chartsIntro:
      'Each chart draws this period as a solid line and the same hours one week earlier as a dashed line. The figures are in the table above.',
    thisPeriod: 'this period',
    lastWeek: 'last week',
    charts: {
      signIns: 'Sign-ins',
      successRate: 'Sign-in success rate',
      failures: 'Failed sign-ins',
      suspicious: 'Suspicious sign-ins',
      revocations: 'Sessions ended',
      validation: 'Session validation latency, p50 and p99',
      lag: 'Revocation time to effect, p99',
      mails: 'Alert mails sent and failed',
    } as Record<string, string>,
    perStep: (step: string) => `per ${step}`,
    steps: { 900000: '15 minutes', 3600000: 'hour' } as Record<number, string>,
    chartTotals: (what: string, current: string, previous: string) => `${what}: ${current} in this period, ${previous} last week.`,
    chartPeaks: (what: string, current: string, previous: string) => `${what}: highest ${current} in this period, ${previous} last week.`,
    chartNoData: (what: string) => `${what}: no data in this period.`,
  },

  notFound: {
    title: 'Page not found',
    body: 'There is nothing at this address.',
    link: 'Go to Active sessions',
  },
};

export type Messages = typeof en;

/** The active language. A translation would be chosen here, e.g. from navigator.languages. */
export const messages: Messages = en;
