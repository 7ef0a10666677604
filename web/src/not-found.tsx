import { Link } from './router.js';

/** An unknown path or id: said plainly, with the way back to where the reader came from. */
export function NotFound({
  what,
  back = { to: '/', label: 'the overview' },
}: {
  what: string;
  back?: { to: string; label: string };
}) {
  return (
    <section className="card" aria-labelledby="not-found">
      <h1 id="not-found">Not found</h1>
      <p>
        {what} <Link to={back.to}>Back to {back.label}</Link>.
      </p>
    </section>
  );
}
