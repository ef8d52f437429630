/** One security event: what happened, when, on what and from where, and by whom. Server strings render as text. */
import { Link } from '../../components/link';
import { formatExact, formatRelative } from '../../format';
import { messages } from '../../messages';
import type { SecurityEvent } from '../../api';
import { describeEvent } from './event-wording';

export const SESSIONS_PATH = '/settings/security/sessions';

export function EventItem({
  event,
  now,
  timeZone,
  headingLevel = 3,
  reviewLink = true,
}: {
  event: SecurityEvent;
  now: Date;
  timeZone?: string | undefined;
  headingLevel?: 3 | 4;
  /** Off on the Active sessions page itself, where the list it would link to is right above. */
  reviewLink?: boolean;
}) {
  const a = messages.activity;
  const w = describeEvent(event);
  const titleId = `event-${event.id}-title`;
  const Heading = headingLevel === 3 ? 'h3' : 'h4';
  const facts: { key: string; label: string; value: string; title?: string; mono?: boolean }[] = [];
  if (w.device !== null) facts.push({ key: 'device', label: a.device, value: w.device });
  if (w.app !== null) facts.push({ key: 'app', label: a.app, value: w.app });
  if (w.location !== null)
    facts.push({ key: 'location', label: a.location, value: `${w.location.text} (${a.approximate})`, title: w.location.detail });
  if (w.ip !== null) facts.push({ key: 'ip', label: a.ip, value: w.ip, mono: true });

  return (
    <li className={`event event-${w.tone}`} aria-labelledby={titleId} data-event-kind={event.kind} tabIndex={-1}>
      <div className="event-head">
        <Heading id={titleId} className="event-title">
          {w.tone === 'unusual' && <span className="badge badge-unusual">{a.unusual}</span>}
          {w.tone === 'new_device' && <span className="badge badge-new">{a.newDevice}</span>}
          <span className="event-what">{w.title}</span>
          {w.thisDevice && <span className="badge badge-current">{a.thisDevice}</span>}
        </Heading>
        <time className="event-time" dateTime={event.at} title={formatExact(event.at, messages.locale, timeZone)}>
          {formatRelative(event.at, now, messages.locale)}
        </time>
      </div>
      {w.reasons.length > 0 && (
        <ul className="event-reasons" aria-label={a.reasonsLabel}>
          {w.reasons.map((r) => (
            <li key={r}>{r}</li>
          ))}
        </ul>
      )}
      {w.note !== null && <p className="event-note">{w.note}</p>}
      {facts.length > 0 && (
        <dl className="event-facts">
          {facts.map((f) => (
            <div key={f.key} className="event-fact">
              <dt className="visually-hidden">{f.label}</dt>
              <dd className={f.mono === true ? 'mono' : undefined} title={f.title}>
                {f.value}
              </dd>
            </div>
          ))}
        </dl>
      )}
      {w.by !== null && <p className="event-by">{w.by}</p>}
      {w.review && reviewLink && (
        <p className="event-review">
          <Link href={SESSIONS_PATH} aria-describedby={titleId}>
            {a.review}
          </Link>
        </p>
      )}
    </li>
  );
}
