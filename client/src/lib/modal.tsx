import { useEffect, useRef, type ReactNode } from 'react';

interface ModalProps {
  titleId: string;
  onClose(): void;
  children: ReactNode;
  testId?: string;
}

/** A native modal dialog: focus stays inside, Escape closes it, the page behind is inert, and focus returns where it was. */
export function Modal({ titleId, onClose, children, testId }: ModalProps) {
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const dialog = ref.current;
    const opener = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    if (dialog && !dialog.open) dialog.showModal();
    return () => {
      // Removed from the page rather than closed: give focus back to where it was, not to the page body.
      if (opener?.isConnected && (document.activeElement === null || document.activeElement === document.body)) opener.focus();
    };
  }, []);
  return (
    <dialog ref={ref} className="live-dialog" aria-labelledby={titleId} onClose={onClose} data-testid={testId}>
      {children}
    </dialog>
  );
}

interface QuestionDialogProps {
  id: string;
  title: ReactNode;
  onClose(): void;
  children: ReactNode;
  testId?: string;
}

/** A modal question: a heading and what to answer it with (the buttons come in `children`). */
export function QuestionDialog({ id, title, onClose, children, testId }: QuestionDialogProps) {
  return (
    <Modal titleId={`${id}-title`} onClose={onClose} {...(testId ? { testId } : {})}>
      <div className="live-dialog-head">
        <h2 id={`${id}-title`}>{title}</h2>
      </div>
      <div className="live-dialog-body">{children}</div>
    </Modal>
  );
}
