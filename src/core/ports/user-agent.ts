import type { DeviceInfo } from '../session.js';

/**
 * What a request tells about the device: the User-Agent header and the User-Agent client hints,
 * each as the raw header value (a structured-header string or list), all attacker-chosen.
 */
export interface UserAgentHints {
  userAgent: string | undefined;
  /** `Sec-CH-UA-Platform`, `Sec-CH-UA-Mobile`: sent by Chromium browsers on every request. */
  platform?: string | undefined;
  mobile?: string | undefined;
  /** `Sec-CH-UA`: the brand list with major versions, also sent on every request. */
  brands?: string | undefined;
  /**
   * `Sec-CH-UA-Platform-Version`, `Sec-CH-UA-Model`, `Sec-CH-UA-Full-Version-List`: sent only
   * once the origin has asked for them (`Accept-CH` on its pages, src/http/client-hints.ts).
   */
  platformVersion?: string | undefined;
  model?: string | undefined;
  fullVersionList?: string | undefined;
}

/** Turns a user agent (and client hints) into a device description. Never throws. */
export interface UserAgentParser {
  parse(hints: UserAgentHints): DeviceInfo;
}
