import { useEffect } from 'react';

// A page with something to settle before logging out (the nurse's held task) asks first. One guard
// at a time: the page showing the work registers it while it is shown.

type LogoutGuard = () => Promise<boolean>;
let current: LogoutGuard | null = null;

/** Whether logging out may go ahead; asks the registered guard, if any. */
export function mayLogOut(): Promise<boolean> {
  return current ? current() : Promise.resolve(true);
}

/** Registers `guard` while the component is mounted and `guard` is not null. */
export function useLogoutGuard(guard: LogoutGuard | null): void {
  useEffect(() => {
    if (!guard) return;
    current = guard;
    return () => {
      if (current === guard) current = null;
    };
  }, [guard]);
}
