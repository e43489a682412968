/** A failure a person must see (announced to screen readers); renders nothing without one. */
export function ErrorBanner({ message }: { message: string | null }) {
  if (!message) return null;
  return (
    <p className="banner" role="alert">
      {message}
    </p>
  );
}
