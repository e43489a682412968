/** What a page shows while the database does not answer; the browser retries by itself. */
export function UnavailableNotice() {
  return (
    <main>
      <meta httpEquiv="refresh" content="5" />
      <h1>Stepwise</h1>
      <p className="banner">
        The database is not answering right now. Nothing is lost: this page tries again in a few seconds.
      </p>
    </main>
  );
}
