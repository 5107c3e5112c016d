/** The page's HTML shell: the bundle does the rest. Only the broker's WebSocket address is given to it. */
export function dashboardHtml(options: { mqttWebSocketPath: string; prefix: string }): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="tidegate-mqtt" content="${escapeAttribute(options.mqttWebSocketPath)}">
<meta name="tidegate-prefix" content="${escapeAttribute(options.prefix)}">
<link rel="icon" href="data:,">
<title>tidegate — operators</title>
<link rel="stylesheet" href="assets/dashboard.css">
</head>
<body>
<div id="app"><noscript>The tidegate dashboard needs JavaScript.</noscript></div>
<script type="module" src="assets/dashboard.js"></script>
</body>
</html>
`;
}

function escapeAttribute(value: string): string {
  return value.replace(/[&"<>]/g, (c) => `&#${c.charCodeAt(0)};`);
}
