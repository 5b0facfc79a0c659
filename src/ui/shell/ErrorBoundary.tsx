import { Component, type ErrorInfo, type ReactNode } from 'react';

/** A panel that throws shows an error in its place; the rest of the workbench keeps working. */
export class PanelBoundary extends Component<
  { name: string; children: ReactNode },
  { error: Error | null }
> {
  override state: { error: Error | null } = { error: null };
  static getDerivedStateFromError(error: Error) {
    return { error };
  }
  override componentDidCatch(error: Error, info: ErrorInfo) {
    console.error(`panel "${this.props.name}" failed`, error, info.componentStack);
  }
  override render() {
    if (this.state.error)
      return (
        <div role="alert" className="panel-error" data-testid={`panel-error-${this.props.name}`}>
          <strong>The {this.props.name} panel failed:</strong> {this.state.error.message}
          <button type="button" onClick={() => this.setState({ error: null })}>
            Retry
          </button>
        </div>
      );
    return this.props.children;
  }
}
