/** The single error banner: what happened, the details, and what to do. */
export interface ErrorBannerProps {
  error: { id: number; name: string; title: string; detail: string; action: string } | null;
  onDismiss: () => void;
}

export function ErrorBanner({ error, onDismiss }: ErrorBannerProps) {
  if (!error) return null;
  return (
    <div className="banner banner-error" role="alert" data-testid="error-banner" data-error-name={error.name} key={error.id}>
      <div className="banner-body">
        <strong>{error.title}</strong>
        <p className="banner-detail">{error.detail}</p>
        <p className="banner-action">{error.action}</p>
      </div>
      <button type="button" className="banner-close" onClick={onDismiss} aria-label="Dismiss error">
        ×
      </button>
    </div>
  );
}

export interface NoticeBannerProps {
  notices: Array<{ id: number; text: string }>;
  onDismiss: (id: number) => void;
}

export function NoticeBanner({ notices, onDismiss }: NoticeBannerProps) {
  if (notices.length === 0) return null;
  return (
    <div className="banner banner-notice" role="status" data-testid="notice-banner">
      <ul className="banner-body">
        {notices.map((n) => (
          <li key={n.id}>
            {n.text}
            <button type="button" className="banner-close" onClick={() => onDismiss(n.id)} aria-label="Dismiss notice">
              ×
            </button>
          </li>
        ))}
      </ul>
    </div>
  );
}
