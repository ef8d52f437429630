import type { AnchorHTMLAttributes, MouseEvent } from 'react';
import { useServices } from '../services';

/** An ordinary <a href> that navigates in-page; modified clicks (new tab…) stay with the browser. */
export function Link(props: AnchorHTMLAttributes<HTMLAnchorElement> & { href: string }) {
  const { navigate } = useServices();
  const { onClick, ...rest } = props;
  function handle(event: MouseEvent<HTMLAnchorElement>) {
    onClick?.(event);
    if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    event.preventDefault();
    navigate(props.href);
  }
  return <a {...rest} onClick={handle} />;
}
