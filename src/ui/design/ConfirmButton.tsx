import * as Dialog from '@radix-ui/react-dialog';
import { useState, type ReactNode } from 'react';

/**
 * A button whose action is asked first, in a dialog: focus goes into it and back to the button,
 * Escape cancels, and it takes no room in the row (an inline confirm in Record's list pushed
 * Export and Delete out of a 588 px pane, and dropped keyboard focus on the page).
 */
export function ConfirmButton({
  children,
  label,
  title,
  heading,
  description,
  confirm,
  cancel = 'Cancel',
  danger = false,
  disabled,
  onConfirm,
}: {
  /** The button's own label. */
  children: ReactNode;
  /** Its accessible name, when the label on screen is shorter. */
  label?: string;
  /** The button's tooltip. */
  title?: string;
  heading: string;
  description: ReactNode;
  /** The confirming button's label. */
  confirm: string;
  cancel?: string;
  danger?: boolean;
  disabled?: boolean;
  onConfirm: () => void;
}) {
  const [open, setOpen] = useState(false);
  return (
    <Dialog.Root open={open} onOpenChange={setOpen}>
      <Dialog.Trigger asChild>
        <button type="button" aria-label={label} title={title} disabled={disabled}>
          {children}
        </button>
      </Dialog.Trigger>
      <Dialog.Portal>
        <Dialog.Overlay className="dialog-overlay" />
        <Dialog.Content className="dialog small">
          <Dialog.Title className="dialog-title">{heading}</Dialog.Title>
          <Dialog.Description>{description}</Dialog.Description>
          <div className="dialog-actions">
            <Dialog.Close asChild>
              <button type="button">{cancel}</button>
            </Dialog.Close>
            <button
              type="button"
              className={danger ? 'btn-danger' : 'btn-primary'}
              onClick={() => {
                setOpen(false);
                onConfirm();
              }}
            >
              {confirm}
            </button>
          </div>
        </Dialog.Content>
      </Dialog.Portal>
    </Dialog.Root>
  );
}
