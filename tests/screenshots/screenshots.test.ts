// Draws the README's screenshots (npm run screenshots): a person with a few chats, one of them a
// conversation with the usual kinds of reply, at two sizes and in both schemes.
import { test, type Page } from '@playwright/test';
import { admin, ChatApp, expect, fakeModel } from '../e2e/support.ts';

const SIZES = { desktop: { width: 1440, height: 900 }, phone: { width: 390, height: 844 } };
const SCHEMES = ['light', 'dark'] as const;
const DAY = 86_400_000;

const QUESTION = 'Why are there two high tides a day? Keep it short, with a table.';
const ANSWER = `Because the Moon pulls on the whole Earth, and pulls hardest on the side nearest to it:

- **The near side** is pulled towards the Moon more than the Earth's centre is, so the water heaps up there.
- **The far side** is pulled *less* than the centre, so the water there is left behind, in a second bulge.

The Earth turns under both bulges once a day, so most coasts pass through two of them.

| Tide | When | Why |
| --- | --- | --- |
| Spring | New and full moon | Sun and Moon pull in line |
| Neap | Quarter moons | They pull at right angles |

> The bulges are a few tens of centimetres in open water; coastlines and bays make them metres.`;
const FOLLOW_UP = 'How would I estimate the next high tide from the last one?';
const CODE = `Add about 12 hours and 25 minutes, half a lunar day:

\`\`\`python
from datetime import datetime, timedelta

def next_high_tide(last: datetime) -> datetime:
    return last + timedelta(hours=12, minutes=25)

print(next_high_tide(datetime(2026, 12, 6, 4, 10)))
\`\`\`

Local tables are better: the shape of the coast shifts the times by hours.`;

async function shoot(page: Page, name: string) {
	for (const [size, viewport] of Object.entries(SIZES)) {
		await page.setViewportSize(viewport);
		for (const colorScheme of SCHEMES) {
			await page.emulateMedia({ colorScheme });
			// Away from any message, so no hover state is drawn.
			await page.mouse.move(0, viewport.height - 1);
			await page.screenshot({ path: `docs/screenshots/${name}-${size}-${colorScheme}.png` });
		}
	}
}

test('the README screenshots', async ({ browser }) => {
	const signedOut = await browser.newPage();
	await signedOut.goto('/login');
	await signedOut.locator('html[data-hydrated]').waitFor({ state: 'attached' });
	await shoot(signedOut, 'login');
	await signedOut.close();

	const page = await browser.newPage();
	const app = await new ChatApp(page, 'ada').signUp();
	const userId = await app.userId();
	const now = Date.now();
	const { error } = await admin.from('chat_sessions').insert(
		[
			['Sourdough starter schedule', 1],
			['A week in Lisbon in May', 3],
			['Explain CRDTs with an example', 9],
			['Commuting by bike in winter', 24],
			['Cover letter for a museum job', 80]
		].map(([title, daysAgo]) => {
			const at = new Date(now - Number(daysAgo) * DAY).toISOString();
			return { user_id: userId, title, created_at: at, updated_at: at };
		})
	);
	if (error) throw error;
	await page.goto('/chat');
	await app.ready();
	await shoot(page, 'new-chat');

	await fakeModel.title(QUESTION, { text: 'Two tides a day' });
	await fakeModel.say(QUESTION, ANSWER);
	await app.send(QUESTION);
	await app.settled();
	await fakeModel.say(FOLLOW_UP, CODE);
	await app.send(FOLLOW_UP);
	await app.settled();
	await expect(page.locator('pre code .hljs-keyword').first()).toBeVisible();
	await page.reload();
	await app.ready();
	await expect(page.locator('pre code .hljs-keyword').first()).toBeVisible();
	await shoot(page, 'chat');
	await page.close();
});
