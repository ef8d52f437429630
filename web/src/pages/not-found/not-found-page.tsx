import { Link } from '../../components/link';
import { useDocumentTitle } from '../../components/hooks';
import { messages } from '../../messages';

export function NotFoundPage() {
  const m = messages.notFound;
  useDocumentTitle(m.title, messages.productName);
  return (
    <div className="auth-page">
      <main id="main" className="auth-card" tabIndex={-1}>
        <h1 className="page-title">{m.title}</h1>
        <p className="lead">{m.body}</p>
        <Link href="/settings/security/sessions">{m.link}</Link>
      </main>
    </div>
  );
}
