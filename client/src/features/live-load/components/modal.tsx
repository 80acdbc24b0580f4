import { useEffect, useRef, type ReactNode } from 'react';

interface ModalProps {
  titleId: string;
  onClose(): void;
  children: ReactNode;
}

/** A native modal dialog: focus stays inside, Escape closes it, and the page behind is inert. */
export function Modal({ titleId, onClose, children }: ModalProps) {
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const dialog = ref.current;
    if (dialog && !dialog.open) dialog.showModal();
  }, []);
  return (
    <dialog ref={ref} className="live-dialog" aria-labelledby={titleId} onClose={onClose}>
      {children}
    </dialog>
  );
}
