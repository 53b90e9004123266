// `use:reveal` on a message that appears in answer to what the owner did (an error, a
// confirmation): it is scrolled into view where the owner is looking, clear of the fixed tab
// bar (the page's scroll-padding keeps it above it), instead of appearing out of sight.
export function reveal(node: HTMLElement): void {
  requestAnimationFrame(() => {
    if (node.isConnected && typeof node.scrollIntoView === 'function') {
      node.scrollIntoView({ block: 'nearest', inline: 'nearest' });
    }
  });
}
