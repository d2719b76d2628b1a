import { createTheme, defaultVariantColorsResolver, parseThemeColor, type CSSVariablesResolver, type VariantColorsResolver } from '@mantine/core';

/**
 * Mantine's light and outline variants draw text in shade 6, under 4.5:1 on their pale backgrounds; wallboards
 * are read from across a room, so text on tinted backgrounds uses a darkened shade 9 (axe's contrast rule passes).
 */
/** Shade 9 darkened further: greens, oranges and yellows are too light at 9 for small bold text. */
export const ink = (color: string) => `color-mix(in srgb, var(--mantine-color-${color}-9) 65%, black)`;

const variantColorResolver: VariantColorsResolver = (input) => {
  const r = defaultVariantColorsResolver(input);
  const parsed = parseThemeColor({ color: input.color ?? input.theme.primaryColor, theme: input.theme });
  if (!parsed.isThemeColor) return r;
  if (input.variant === 'light') return { ...r, color: ink(parsed.color), background: `var(--mantine-color-${parsed.color}-0)` };
  if (input.variant === 'outline' || input.variant === 'subtle') return { ...r, color: ink(parsed.color), border: input.variant === 'outline' ? `1px solid var(--mantine-color-${parsed.color}-7)` : r.border };
  return r;
};

export const theme = createTheme({
  primaryColor: 'blue',
  primaryShade: { light: 8, dark: 6 },
  defaultRadius: 'md',
  fontFamily: 'system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif',
  headings: { fontWeight: '650' },
  variantColorResolver,
  components: {
    Badge: { defaultProps: { variant: 'light' } },
  },
});

/** "Dimmed" text one shade darker than Mantine's default (gray 6 is 3.3:1 on white). */
export const cssVariablesResolver: CSSVariablesResolver = () => ({
  variables: {},
  light: { '--mantine-color-dimmed': 'var(--mantine-color-gray-7)' },
  dark: {},
});
