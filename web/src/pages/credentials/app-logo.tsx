/**
 * An app's logo with its name as alt text, or, when it has none, it is not an https address, or
 * it fails to load (the page's CSP may refuse other hosts), the first letter of its name.
 */
import { useState } from 'react';
import { messages } from '../../messages';
import { initialOf, safeLogoUri } from './wording';

export function AppLogo({ name, logoUri }: { name: string; logoUri: string | null }) {
  const [failed, setFailed] = useState(false);
  const src = safeLogoUri(logoUri);
  if (src !== null && !failed)
    return (
      <img
        className="app-logo"
        src={src}
        alt={messages.credentials.logoAlt(name)}
        width={40}
        height={40}
        referrerPolicy="no-referrer"
        onError={() => setFailed(true)}
      />
    );
  // The name is written beside it: the letter is decoration.
  return (
    <span className="app-logo app-logo-initial" aria-hidden="true">
      {initialOf(name)}
    </span>
  );
}
