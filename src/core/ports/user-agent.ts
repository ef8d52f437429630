import type { DeviceInfo } from '../session.js';

/** What a request tells about the device: the User-Agent header and client hints. */
export interface UserAgentHints {
  userAgent: string | undefined;
  /** `Sec-CH-UA-Platform`, `Sec-CH-UA-Mobile`, `Sec-CH-UA-Model` when the browser sends them. */
  platform?: string | undefined;
  mobile?: string | undefined;
  model?: string | undefined;
}

/** Turns a user agent (and client hints) into a device description. Never throws. */
export interface UserAgentParser {
  parse(hints: UserAgentHints): DeviceInfo;
}
