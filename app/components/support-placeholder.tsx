export function SupportPlaceholder() {
  return (
    <section className="card">
      <h1>Portico Support</h1>
      <p>The support console for platform staff will be available here.</p>
    </section>
  );
}
