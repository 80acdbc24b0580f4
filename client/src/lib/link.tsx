import type { AnchorHTMLAttributes, MouseEvent } from 'react';
import { navigate, usePathname } from './navigation.ts';

interface LinkProps extends Omit<AnchorHTMLAttributes<HTMLAnchorElement>, 'href'> {
  to: string;
  /** Also mark the link current anywhere under this path (for a section's link). */
  activePrefix?: string;
}

/** An ordinary link that navigates inside the app; modified clicks still open a new tab. */
export function Link({ to, activePrefix, onClick, children, ...rest }: LinkProps) {
  const pathname = usePathname();
  const current = pathname === to || (activePrefix !== undefined && (pathname === activePrefix || pathname.startsWith(`${activePrefix}/`)));
  function handleClick(event: MouseEvent<HTMLAnchorElement>) {
    onClick?.(event);
    if (event.defaultPrevented || event.button !== 0) return;
    if (event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    event.preventDefault();
    navigate(to);
  }
  return (
    <a href={to} aria-current={current ? 'page' : undefined} onClick={handleClick} {...rest}>
      {children}
    </a>
  );
}
