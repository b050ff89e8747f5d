// Placeholder until the review webview lands.
export {};
