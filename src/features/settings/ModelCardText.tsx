// A model card's Markdown shown as formatted text: headings, lists and the evaluation tables, never raw HTML.

import Markdown, { type Components } from 'react-markdown';
import remarkGfm from 'remark-gfm';

// An imported model's card is text from outside the app: react-markdown never renders raw HTML (no
// rehype-raw), so markup in it shows as text. Links may name outside sources (licences, data credits); they
// open in a new tab without a referrer, and only when the user follows them.
const components: Components = {
  a: ({ href, children }) => (
    <a href={href} target="_blank" rel="noopener noreferrer">
      {children}
    </a>
  ),
  // Wide evaluation tables scroll sideways on a tablet instead of widening the page.
  table: ({ children }) => (
    <div className="model-card-table">
      <table>{children}</table>
    </div>
  ),
  // Images would be fetched from wherever the card points: nothing leaves the device, so they show as text.
  img: ({ alt, src }) => <span>{`[image: ${alt || (typeof src === 'string' ? src : '')}]`}</span>,
};

export default function ModelCardText({ markdown }: { markdown: string }) {
  return (
    <div className="model-card-text" data-testid="model-card-text">
      <Markdown remarkPlugins={[remarkGfm]} components={components}>
        {markdown}
      </Markdown>
    </div>
  );
}
