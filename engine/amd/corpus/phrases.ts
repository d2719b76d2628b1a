/**
 * What the corpus says. Human openers are what people really say when they pick up (short and long,
 * because the long ones are where app_amd fails); machine greetings are personal, business and carrier
 * voicemail greetings that end inviting a message after the tone.
 */
export type Lang = 'en' | 'es';

/** `multiWord` marks openers of three or more words: app_amd's MAXWORDS false positives. */
export interface Opener {
  text: string;
  multiWord: boolean;
}

const short = (text: string): Opener => ({ text, multiWord: false });
const long = (text: string): Opener => ({ text, multiWord: true });

export const HUMAN_OPENERS: Record<Lang, Opener[]> = {
  en: [
    short('Hello?'),
    short('Hello.'),
    short('Hi.'),
    short('Yeah?'),
    short('Yes?'),
    short('Hello, yes?'),
    short('Speaking.'),
    short('Hi there.'),
    long('Hello, who is this?'),
    long('Yes, hello, this is Maria speaking.'),
    long('Hello, this is Maria speaking.'),
    long('Hi, this is John.'),
    long('Hello, Johnson residence.'),
    long('Good afternoon, David speaking.'),
    long('Hello? Who is calling, please?'),
    long('Yeah, hello, what can I do for you?'),
  ],
  es: [
    short('¿Aló?'),
    short('¿Bueno?'),
    short('Sí, diga.'),
    short('Diga.'),
    short('¿Sí?'),
    short('Hola.'),
    short('¿Dígame?'),
    short('Aló, ¿sí?'),
    long('Buenas tardes, habla Carlos.'),
    long('Sí, hola, habla María.'),
    long('Buenos días, ¿quién habla?'),
    long('¿Aló? ¿Quién es?'),
    long('Hola, buenas tardes, dígame.'),
    long('Sí, buenas, ¿con quién hablo?'),
    long('Bueno, sí, aquí Juan, ¿qué se le ofrece?'),
    long('Familia Gómez, buenas noches.'),
  ],
};

const NAMES: Record<Lang, string[]> = {
  en: ['Maria', 'John Smith', 'the Johnsons', 'Dr. Patel', 'Sarah', 'Mike and Linda', 'Acme Plumbing', 'Kevin Brown'],
  es: ['María González', 'Carlos', 'la familia Pérez', 'Lucía', 'el doctor Ramírez', 'Jorge y Ana', 'Ferretería López', 'Sofía'],
};

const GREETINGS: Record<Lang, string[]> = {
  en: [
    "Hi, you've reached {name}. I can't take your call right now. Please leave your name, number and a short message after the tone, and I'll get back to you as soon as possible. Thanks!",
    "Hello, this is {name}. Sorry I missed your call. Leave a message after the beep.",
    'You have reached {name}. We are not available to take your call. Please leave a detailed message after the tone and we will return your call. Have a great day.',
    'The person you are calling is not available. Please leave a message after the tone.',
    "Hey, it's {name}. I'm either on the other line or away from my phone. Leave me a message and I'll call you back.",
    'Thank you for calling {name}. Our office is currently closed. Our business hours are Monday to Friday, nine to five. Please leave a message after the tone.',
    'The number you have dialed is not available at the moment. Please record your message after the tone. When you have finished recording, you may hang up.',
    "Hi! You've reached {name}. We can't come to the phone right now, but if you leave your name and number we'll call you back. Bye!",
  ],
  es: [
    'Hola, has llamado a {name}. En este momento no puedo atenderte. Por favor deja tu nombre, tu número y un breve mensaje después de la señal, y te llamaré lo antes posible. Gracias.',
    'Hola, soy {name}. Ahora no puedo contestar. Deja tu mensaje después del tono.',
    'Usted se ha comunicado con {name}. No podemos atender su llamada. Por favor deje un mensaje detallado después del tono y le devolveremos la llamada. Que tenga un buen día.',
    'El número que usted marcó no está disponible. Por favor deje su mensaje después del tono.',
    'Hola, habla {name}. Estoy ocupado o lejos del teléfono. Déjame un mensaje y te devuelvo la llamada.',
    'Gracias por llamar a {name}. Nuestra oficina se encuentra cerrada. Nuestro horario es de lunes a viernes, de nueve a cinco. Por favor deje su mensaje después del tono.',
    'El teléfono móvil al que llama no se encuentra disponible en este momento. Grabe su mensaje después de la señal. Al terminar, puede colgar.',
    '¡Hola! Te comunicaste con {name}. No podemos atender ahora, pero si dejas tu nombre y tu número te llamamos. ¡Chao!',
  ],
};

export function machineGreeting(lang: Lang, template: number, name: number): string {
  const list = GREETINGS[lang];
  const names = NAMES[lang];
  return list[template % list.length]!.replace('{name}', names[name % names.length]!);
}

export const GREETING_COUNT = 8;
export const NAME_COUNT = 8;
