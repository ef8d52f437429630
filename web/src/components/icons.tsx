/** Small decorative icons (aria-hidden): the words next to them carry the meaning. */
import type { ClientKind, DeviceType } from '../api';

const common = {
  width: 24,
  height: 24,
  viewBox: '0 0 24 24',
  fill: 'none',
  stroke: 'currentColor',
  strokeWidth: 1.8,
  strokeLinecap: 'round' as const,
  strokeLinejoin: 'round' as const,
  'aria-hidden': true,
  focusable: false,
};

export function DeviceIcon({ type }: { type: DeviceType }) {
  switch (type) {
    case 'mobile':
      return (
        <svg {...common} data-icon="mobile">
          <rect x="7" y="2.5" width="10" height="19" rx="2" />
          <path d="M11 18.5h2" />
        </svg>
      );
    case 'tablet':
      return (
        <svg {...common} data-icon="tablet">
          <rect x="4.5" y="2.5" width="15" height="19" rx="2" />
          <path d="M11 18.5h2" />
        </svg>
      );
    case 'desktop':
      return (
        <svg {...common} data-icon="desktop">
          <rect x="2.5" y="4" width="19" height="12.5" rx="1.5" />
          <path d="M8.5 20.5h7M12 16.5v4" />
        </svg>
      );
    default:
      return (
        <svg {...common} data-icon="unknown">
          <rect x="3" y="3" width="18" height="18" rx="3" />
          <path d="M9.5 9.5a2.5 2.5 0 1 1 3.5 2.3c-.6.3-1 .9-1 1.6v.3M12 17h.01" />
        </svg>
      );
  }
}

export function AppIcon({ kind, size = 16 }: { kind: ClientKind; size?: number }) {
  const small = { ...common, width: size, height: size };
  switch (kind) {
    case 'browser':
      return (
        <svg {...small} data-icon="browser">
          <circle cx="12" cy="12" r="9" />
          <path d="M3 12h18M12 3c2.5 2.7 3.5 5.7 3.5 9s-1 6.3-3.5 9c-2.5-2.7-3.5-5.7-3.5-9S9.5 5.7 12 3z" />
        </svg>
      );
    case 'desktop':
      return (
        <svg {...small} data-icon="desktop-app">
          <rect x="3" y="4" width="18" height="16" rx="2" />
          <path d="M3 8.5h18" />
        </svg>
      );
    case 'mobile':
      return (
        <svg {...small} data-icon="mobile-app">
          <rect x="7" y="2.5" width="10" height="19" rx="2" />
          <path d="M11 18.5h2" />
        </svg>
      );
    case 'cli':
      return (
        <svg {...small} data-icon="cli">
          <rect x="2.5" y="4" width="19" height="16" rx="2" />
          <path d="M6.5 9.5l3 2.5-3 2.5M12 15h5" />
        </svg>
      );
    default:
      return (
        <svg {...small} data-icon="service">
          <circle cx="12" cy="12" r="3" />
          <path d="M12 2.5v3M12 18.5v3M2.5 12h3M18.5 12h3M5.3 5.3l2.1 2.1M16.6 16.6l2.1 2.1M5.3 18.7l2.1-2.1M16.6 7.4l2.1-2.1" />
        </svg>
      );
  }
}
