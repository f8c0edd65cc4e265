/** Last line of defence: a render error shows a message with a reload button instead of a blank page. */
import { Component, type ErrorInfo, type ReactNode } from 'react';

interface Props {
  children: ReactNode;
}
interface State {
  error: Error | null;
}

export class ErrorBoundary extends Component<Props, State> {
  override state: State = { error: null };

  static getDerivedStateFromError(error: Error): State {
    return { error };
  }

  override componentDidCatch(error: Error, info: ErrorInfo): void {
    console.error('UI crashed', error, info.componentStack);
  }

  override render() {
    if (!this.state.error) return this.props.children;
    return (
      <div className="banner banner-error fatal" role="alert" data-testid="error-banner" data-error-name="UICrash">
        <div className="banner-body">
          <strong>The page hit an unexpected error</strong>
          <p className="banner-detail">{this.state.error.message}</p>
          <p className="banner-action">Reload the page to start again. Your image is not uploaded anywhere; everything runs in this tab.</p>
          <div className="banner-buttons">
            <button type="button" onClick={() => this.setState({ error: null })}>
              Try to continue
            </button>
            <button type="button" onClick={() => location.reload()}>
              Reload
            </button>
          </div>
        </div>
      </div>
    );
  }
}
