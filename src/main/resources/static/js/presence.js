// The member list of the demo page: who is in the room, and how many.

import { colorOf } from './chat.js';

/**
 * Shows `{members, memberCount}` as a Room's `members` event gives them: the members listed
 * (all, or the first ones when the room outgrew the server's list limit) and the count.
 */
export function renderMembers({ members, memberCount }, me) {
  const list = document.getElementById('members');
  list.replaceChildren();
  const sorted = [...members].sort((a, b) => (a.name || a.userId).localeCompare(b.name || b.userId));
  for (const member of sorted) {
    const item = document.createElement('li');
    item.dataset.test = 'member';
    item.dataset.userId = member.userId;
    const dot = document.createElement('span');
    dot.className = 'dot';
    dot.style.background = colorOf(member.userId);
    const name = document.createElement('span');
    name.textContent = member.name || member.userId;
    item.append(dot, name);
    if (me && member.userId === me.userId) {
      const you = document.createElement('small');
      you.textContent = ' (you)';
      item.append(you);
    }
    list.append(item);
  }
  const unlisted = memberCount - sorted.length;
  if (unlisted > 0) {
    const item = document.createElement('li');
    item.className = 'more';
    item.textContent = `and ${unlisted} more`;
    list.append(item);
  }
  const count = Math.max(memberCount, sorted.length);
  document.getElementById('member-count').textContent = count ? String(count) : '';
}

export function clearMembers() {
  renderMembers({ members: [], memberCount: 0 }, null);
}
