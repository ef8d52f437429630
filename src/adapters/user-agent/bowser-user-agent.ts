/**
 * Device description from the User-Agent header and client hints, parsed with bowser (MIT;
 * ua-parser-js 2 is AGPL, which users could not ship in closed products).
 */
import Bowser from 'bowser';
import type { UserAgentParser } from '../../core/ports/user-agent.js';
import type { DeviceInfo, DeviceType } from '../../core/session.js';

/** Longer user agents are cut before parsing: bounds regex work on attacker-chosen input. */
export const MAX_USER_AGENT_LENGTH = 512;

const UNKNOWN: DeviceInfo = Object.freeze({ name: 'Unknown device', os: 'Unknown OS', browser: null, type: 'unknown' });

export const bowserUserAgentParser: UserAgentParser = {
  parse(hints) {
    const ua = hints.userAgent?.slice(0, MAX_USER_AGENT_LENGTH).trim();
    if (!ua) return UNKNOWN;
    let parsed: Bowser.Parser.ParsedResult;
    try {
      parsed = Bowser.parse(ua);
    } catch {
      return UNKNOWN;
    }
    const osName = unquote(hints.platform) || parsed.os.name || '';
    const type = deviceType(parsed.platform.type, hints.mobile);
    const model = unquote(hints.model) || parsed.platform.model || '';
    const browser = parsed.browser.name ? `${parsed.browser.name}${major(parsed.browser.version)}` : null;
    const osVersion = parsed.os.versionName ?? parsed.os.version ?? '';
    return {
      name: model || deviceName(osName, type),
      os: osName ? `${osName}${osVersion && osName === parsed.os.name ? ` ${osVersion}` : ''}` : 'Unknown OS',
      browser,
      type,
    };
  },
};

function deviceType(platformType: string | undefined, mobileHint: string | undefined): DeviceType {
  if (mobileHint === '?1') return 'mobile';
  if (platformType === 'desktop' || platformType === 'mobile' || platformType === 'tablet') return platformType;
  return 'unknown';
}

function deviceName(os: string, type: DeviceType): string {
  const lower = os.toLowerCase();
  if (lower === 'macos') return 'Mac';
  if (lower === 'windows') return 'Windows PC';
  if (lower === 'chrome os' || lower === 'chromeos') return 'Chromebook';
  if (lower === 'linux') return 'Linux PC';
  if (lower === 'android') return type === 'tablet' ? 'Android tablet' : 'Android phone';
  if (lower === 'ios') return type === 'tablet' ? 'iPad' : 'iPhone';
  return os ? `${os} device` : 'Unknown device';
}

function major(version: string | undefined): string {
  const m = version?.split('.')[0];
  return m ? ` ${m}` : '';
}

/** Client hints arrive as structured-header strings: `"macOS"`. */
function unquote(value: string | undefined): string {
  return value?.replace(/^"|"$/g, '').slice(0, 64).trim() ?? '';
}
