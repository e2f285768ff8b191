// Next.js settings. The custom server (server/index.ts) adds the security headers, rate
// limiting, CORS, metrics and probes in front of Next for every request.
/** @type {import('next').NextConfig} */
const nextConfig = {
  poweredByHeader: false,
  reactStrictMode: true,
};

export default nextConfig;
