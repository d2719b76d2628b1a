/**
 * What the corpus says, in English and Spanish. Written for this corpus, many and varied, so that a detector
 * cannot learn a handful of sentences. Every list is split in two halves by position (even → tuning files,
 * odd → held-out files, see split.ts), so held-out files also say things no tuning file says.
 *
 * Humans: what people say when they pick up (one word, a short phrase, a business or a household opener,
 * "Yes? … Hello?"), then what they say while the caller talks (short replies with pauses).
 * Machines: very short greetings, greetings that open with a short phrase and a pause, personal and business
 * greetings of every length, carrier voicemail prompts, IVR menus, intercept messages after a SIT tone.
 */
export type Lang = 'en' | 'es';

type Lists = Record<Lang, readonly string[]>;

export const ONE_WORD: Lists = {
  en: ['Hello?', 'Yes?', 'Hello.', 'Yeah?', 'Hi.', 'Speaking.', 'Hey.', 'Yep?', 'Hello!', 'Hiya.', 'Mm, hello?', 'Yes.', 'Hullo?', 'Morning.', 'Yello?', 'Hi?'],
  es: ['¿Aló?', '¿Bueno?', '¿Diga?', '¿Sí?', 'Hola.', 'Dígame.', '¿Mande?', 'Buenas.', '¿Sí, aló?', 'Aló.', '¿Hola?', 'Sí.', '¿Quién?', 'Bueno.', '¿Diga, sí?', 'Ajá, ¿sí?'],
};

export const SHORT_PHRASE: Lists = {
  en: [
    "Hello, who's this?",
    'Yes, hello?',
    'Hi, who is calling?',
    'Hello, this is Mark.',
    'Yeah, hi, go ahead.',
    'Hello, can I help you?',
    "Hi, it's Jenny.",
    'Hello? Who is it?',
    'Yes, this is Paul.',
    'Good evening, hello?',
    'Hi there, who is this?',
    'Hello, Sam speaking.',
    'Yes? Who am I speaking to?',
    'Hey, what’s up?',
    'Hello, yes, who is this please?',
    'Hi, this is Rachel.',
  ],
  es: [
    '¿Aló? ¿Quién habla?',
    'Sí, buenas, dígame.',
    'Hola, ¿quién es?',
    'Sí, habla Andrés.',
    'Buenas tardes, ¿aló?',
    'Aló, sí, diga.',
    'Hola, soy Carmen.',
    '¿Bueno? ¿Quién llama?',
    'Sí, con él habla.',
    'Buenos días, ¿sí?',
    'Hola, ¿con quién hablo?',
    'Aló, ¿de parte de quién?',
    'Sí, aquí Rodrigo.',
    'Buenas noches, ¿aló?',
    '¿Sí? ¿Qué desea?',
    'Hola, habla Lucía.',
  ],
};

export const BUSINESS_OPENER: Lists = {
  en: [
    "Good morning, Martin's Hardware, how can I help you?",
    'Thank you for calling Bella Pizza, this is Tony.',
    'Riverside Dental, Karen speaking.',
    'Hello, Smith and Sons Plumbing, what can I do for you?',
    'Good afternoon, Oak Street Garage.',
    'Sunrise Bakery, hi, how can I help?',
    'Law office of Daniel Reyes, good morning.',
    'Hi, Green Valley Vet Clinic, this is Amy, how may I help you?',
    'Parker Realty, Josh speaking.',
    'Thanks for calling Quick Print, this is Maria.',
    'Good morning, Northside Pharmacy, how can I help?',
    'Hello, Blue Sky Travel.',
    'Westfield Auto Parts, Mike here.',
    "Hi, Lucy's Flowers, what can I get for you?",
    'Good afternoon, City Electric, this is Brian.',
    'Harbor View Hotel, front desk, good evening.',
  ],
  es: [
    'Hola, buenos días, Ferretería El Martillo, a sus órdenes.',
    'Panadería La Espiga, buenas tardes.',
    'Clínica Dental Sonrisa, le atiende Patricia.',
    'Taller Mecánico Hermanos Rojas, dígame.',
    'Buenos días, Farmacia San José, ¿en qué le puedo ayudar?',
    'Restaurante El Fogón, buenas noches.',
    'Abogados Martínez y Asociados, buenos días.',
    'Hola, Pizzería Napoli, ¿qué va a ordenar?',
    'Inmobiliaria Los Pinos, habla Sergio.',
    'Buenas tardes, Veterinaria Patitas, le saluda Andrea.',
    'Librería El Quijote, buenos días, ¿en qué le sirvo?',
    'Transportes del Valle, a la orden.',
    'Ferretería Central, buenas, ¿qué necesita?',
    'Hotel Miramar, recepción, buenas noches.',
    'Floristería Las Rosas, buenos días, dígame.',
    'Óptica Visión Clara, habla Mariana, ¿en qué le ayudo?',
  ],
};

export const HOUSEHOLD_OPENER: Lists = {
  en: [
    'Hello, Johnson residence.',
    'Good evening, the Millers, who is calling?',
    'Hello, this is the Garcia house.',
    'Hi, Thompson residence, Emily speaking.',
    "Hello, you've got the Walkers.",
    'Evening, Peterson household.',
    'Hello, Davis residence, who is this please?',
    "Hi, it's Grandma Rose, who's this?",
    'Good morning, Baker residence.',
    "Hello, Nelson's, can I help you?",
    'Hi, Clarke house, Tom speaking.',
    'Hello, this is the Brown residence, who am I speaking to?',
  ],
  es: [
    'Buenas noches, casa de la familia Herrera, ¿quién habla?',
    'Aló, casa de los Fernández.',
    'Buenos días, residencia Morales, ¿de parte de quién?',
    'Hola, casa de la familia Vargas, habla Rosa.',
    'Buenas tardes, familia Castillo, dígame.',
    'Aló, aquí los Ramírez, ¿quién es?',
    'Casa de los Ortega, buenas noches.',
    'Buenas, residencia Jiménez, ¿con quién desea hablar?',
    'Hola, habla la abuela Carmen, ¿quién llama?',
    'Buenos días, casa Navarro.',
    'Aló, familia Rojas, ¿quién habla?',
    'Buenas tardes, casa de los Medina, habla Julio.',
  ],
};

/** The second word after a first short one and a wait ("Yes? … Hello?"). */
export const SECOND_WORD: Lists = {
  en: ['Hello?', 'Hello? Anyone there?', 'Hello-o?', 'Hello? Can you hear me?', 'Who is this?', 'Hello, hello?'],
  es: ['¿Aló?', '¿Aló? ¿Hay alguien?', '¿Hola? ¿Me escucha?', '¿Bueno? ¿Bueno?', '¿Quién habla?', 'Aló, aló.'],
};

/** What a person says while the caller (the agent) talks: replies, after pauses. */
export const REPLIES: Lists = {
  en: [
    'Yes, speaking.',
    'Who is this?',
    'Oh, okay.',
    'Sorry, what was that?',
    'Sure, go ahead.',
    "I'm a bit busy right now, can you call back later?",
    "Yes, that's me, what is this about?",
    'Uh huh.',
    "I can't really hear you.",
    'Okay, and?',
    'No, I already have one, thanks.',
    'Right.',
    'Which company did you say?',
    'Hmm, maybe, tell me more.',
    "Sorry, he's not home right now.",
    'Yes?',
    'Mm-hm, go on.',
    "I think you've got the wrong number.",
    'How did you get this number?',
    "Okay, I'm listening.",
    "Oh hi, yes, I got your letter last week, but I haven't had time to look at it yet.",
    "Look, I'm driving right now, could you call me back this afternoon?",
  ],
  es: [
    'Sí, con ella habla.',
    '¿De parte de quién?',
    'Ah, ya.',
    'Perdón, ¿cómo dijo?',
    'Sí, dígame.',
    'Ahora estoy ocupado, ¿me puede llamar más tarde?',
    'Sí, soy yo, ¿de qué se trata?',
    'Ajá.',
    'No le escucho bien.',
    'Ya, ¿y entonces?',
    'No, gracias, ya tengo.',
    'Claro.',
    '¿De qué empresa me dijo?',
    'Mmm, puede ser, cuénteme.',
    'Él no está, salió.',
    '¿Sí?',
    'Ajá, siga.',
    'Creo que se equivocó de número.',
    '¿Y de dónde sacó mi número?',
    'Bueno, le escucho.',
    'Ah, sí, me llegó su carta la semana pasada, pero todavía no he tenido tiempo de leerla.',
    'Mire, ahora estoy manejando, ¿me puede llamar en la tarde?',
  ],
};

/** Machine greetings of about one to two seconds: the ones the last detector called HUMAN. */
export const VERY_SHORT_GREETING: Lists = {
  en: ['Leave a message.', 'Please leave a message.', 'Not available.', 'Hi, leave a message.', 'Go ahead.', "It's Dave, leave a message.", 'Message, please.', 'You know what to do.', 'Talk after the beep.', 'Leave it at the tone.'],
  es: ['Deje su mensaje.', 'Mensaje después del tono.', 'Deja tu mensaje.', 'No estoy, deja mensaje.', 'Habla Juan, deje mensaje.', 'Hable después del tono.', 'Grabe su mensaje.', 'No disponible.', 'Deje recado.', 'Ya sabes qué hacer.'],
};

/** Greetings that open with a short phrase and then pause: [first phrase, the rest]. */
export const PAUSED_OPENING: Record<Lang, ReadonlyArray<readonly [string, string]>> = {
  en: [
    ['Thanks for calling {biz}.', "We're closed right now. Please leave your name and number and we'll call you back."],
    ['Hi!', "You've reached {name}. I can't pick up, so leave a message."],
    ['Hello.', "This is {name}. I'm not available at the moment. Please leave a message after the tone."],
    ['{biz}.', 'Our office hours are eight to five, Monday through Friday. Please call back during business hours.'],
    ['Hey, you got {name}.', "I'm out right now. Leave me a message and I'll get back to you."],
    ['Welcome to {biz}.', 'All of our staff are busy helping other customers. Please leave a message and we will return your call.'],
    ['Hello?', "Ha, gotcha. This is {name}, I'm not here. Leave a message."],
    ['Good day.', 'You have reached the voicemail of {name}. Please leave a short message after the beep.'],
    ['Thank you for calling.', 'Our office is closed for the holidays and will reopen on Monday.'],
    ['Hi, this is {name}.', 'Sorry I missed you. Leave your number and I will call you back as soon as I can.'],
  ],
  es: [
    ['Gracias por llamar a {biz}.', 'En este momento estamos cerrados. Deje su nombre y número y le devolveremos la llamada.'],
    ['¡Hola!', 'Te comunicaste con {name}. No puedo contestar, déjame un mensaje.'],
    ['Aló.', 'Habla {name}. No estoy disponible en este momento. Por favor deje su mensaje después del tono.'],
    ['{biz}.', 'Nuestro horario de atención es de ocho a cinco, de lunes a viernes. Llame en horario de oficina.'],
    ['Hola, soy {name}.', 'Ahora no puedo atenderte. Deja tu mensaje y te llamo en cuanto pueda.'],
    ['Bienvenido a {biz}.', 'Todos nuestros asesores están ocupados. Deje su mensaje y le llamaremos.'],
    ['¿Aló?', 'Ja, te engañé. Soy {name} y no estoy. Deja tu mensaje.'],
    ['Buenos días.', 'Ha llamado al buzón de voz de {name}. Deje un mensaje breve después de la señal.'],
    ['Gracias por su llamada.', 'Nuestra oficina está cerrada por vacaciones y abrirá de nuevo el lunes.'],
    ['Hola, habla {name}.', 'Perdona que no conteste. Deja tu número y te devuelvo la llamada lo antes posible.'],
  ],
};

/** Personal and business greetings: sentences, read one after another with short breaths. */
export const GREETING_SENTENCES: Lists = {
  en: [
    "Hi, you've reached {name}.",
    "I can't take your call right now.",
    'Please leave your name, number and a short message after the tone.',
    "I'll get back to you as soon as possible.",
    'Thanks for calling {biz}.',
    'Our business hours are Monday to Friday, nine to five.',
    'If this is an emergency, please hang up and dial nine one one.',
    'You can also reach us by email or on our website.',
    'Sorry I missed your call.',
    "I'm either on the other line or away from my desk.",
    'Have a great day!',
    'For faster service, please visit our website.',
    "If you're calling about an order, please have your order number ready.",
    "We'll return your call within one business day.",
    "Hey, it's {name}.",
    'Leave me a message and I will call you back.',
    "I'm on vacation until the fifteenth, with limited access to voicemail.",
    'For urgent matters, please contact my assistant.',
    'Please speak clearly and leave your phone number twice.',
    'Bye for now!',
  ],
  es: [
    'Hola, has llamado a {name}.',
    'En este momento no puedo atenderte.',
    'Por favor deja tu nombre, tu número y un breve mensaje después de la señal.',
    'Te devolveré la llamada lo antes posible.',
    'Gracias por llamar a {biz}.',
    'Nuestro horario es de lunes a viernes, de nueve a cinco.',
    'Si se trata de una emergencia, cuelgue y marque el nueve uno uno.',
    'También puede escribirnos a nuestro correo o visitar nuestra página web.',
    'Perdona que no pude contestar.',
    'Estoy en otra llamada o lejos del teléfono.',
    '¡Que tengas un buen día!',
    'Para una atención más rápida, visite nuestra página web.',
    'Si llama por un pedido, tenga a mano su número de pedido.',
    'Le devolveremos la llamada en un día hábil.',
    'Hola, soy {name}.',
    'Déjame un mensaje y te llamo.',
    'Estoy de vacaciones hasta el día quince y reviso poco los mensajes.',
    'Para asuntos urgentes, comuníquese con mi asistente.',
    'Hable claro y deje su número de teléfono dos veces.',
    '¡Hasta luego!',
  ],
};

/** Carrier voicemail prompts: spliced pieces, each an array of parts ({digits} is read out digit by digit). */
export const CARRIER_PROMPTS: Record<Lang, ReadonlyArray<readonly string[]>> = {
  en: [
    ['Your call has been forwarded to an automatic voice message system.', '{digits}', 'is not available.', 'At the tone, please record your message.', 'When you have finished recording, you may hang up.'],
    ['The person you are calling is not available.', 'Please leave a message after the tone.'],
    ['The wireless customer you are calling is not available at this time.', 'Please leave a message after the tone.'],
    ['The mailbox of', '{digits}', 'is full and cannot accept messages at this time.', 'Goodbye.'],
    ['Please record your message after the tone.', 'When you are finished, hang up, or press pound for more options.'],
    ['Welcome to voicemail.', 'The subscriber', '{digits}', 'is unavailable.', 'Please leave a message.'],
    ['The number you have dialed is not answering.', 'Please try again later.'],
    ['You have reached the voice mailbox of', '{digits}', '.', 'Please leave a message after the tone.'],
  ],
  es: [
    ['Su llamada ha sido desviada a un sistema de mensajes de voz.', '{digits}', 'no está disponible.', 'Grabe su mensaje después del tono.', 'Al terminar, puede colgar.'],
    ['La persona a quien usted llama no está disponible.', 'Deje su mensaje después del tono.'],
    ['El teléfono móvil al que llama no se encuentra disponible en este momento.', 'Deje su mensaje después de la señal.'],
    ['El buzón de', '{digits}', 'está lleno y no puede recibir mensajes.', 'Adiós.'],
    ['Grabe su mensaje después del tono.', 'Al finalizar, cuelgue, o marque numeral para más opciones.'],
    ['Bienvenido al buzón de voz.', 'El abonado', '{digits}', 'no está disponible.', 'Deje su mensaje.'],
    ['El número que usted marcó no contesta.', 'Intente más tarde.'],
    ['Ha llamado al buzón de voz del número', '{digits}', '.', 'Deje su mensaje después del tono.'],
  ],
};

/** IVR menus: the welcome, then options read one by one. */
export const IVR_PROMPTS: Record<Lang, ReadonlyArray<readonly string[]>> = {
  en: [
    ['Thank you for calling {biz}.', 'Para español, oprima dos.', 'For sales, press one.', 'For support, press two.', 'For billing, press three.'],
    ['Welcome to {biz}.', 'Please listen carefully, as our menu options have changed.', 'To check an order, press one.', 'To speak to an agent, press zero.'],
    ['Hello, and thank you for calling {biz}.', 'Your call is important to us.', 'Please stay on the line and the next available representative will be with you shortly.'],
    ['You have reached {biz}.', 'If you know your party’s extension, you may dial it at any time.', 'For a company directory, press nine.'],
  ],
  es: [
    ['Gracias por llamar a {biz}.', 'For English, press one.', 'Para ventas, marque uno.', 'Para soporte técnico, marque dos.', 'Para facturación, marque tres.'],
    ['Bienvenido a {biz}.', 'Escuche con atención, pues nuestras opciones han cambiado.', 'Para consultar un pedido, marque uno.', 'Para hablar con un asesor, marque cero.'],
    ['Hola, gracias por comunicarse con {biz}.', 'Su llamada es muy importante para nosotros.', 'Permanezca en línea y en breve será atendido.'],
    ['Se ha comunicado con {biz}.', 'Si conoce la extensión, márquela en cualquier momento.', 'Para el directorio, marque nueve.'],
  ],
};

/** What follows a special information tone. */
export const INTERCEPTS: Lists = {
  en: [
    "We're sorry, the number you have reached is not in service. Please check the number and try again.",
    'The number you have dialed has been disconnected or is no longer in service.',
    'Your call cannot be completed as dialed. Please check the number and dial again.',
    'All circuits are busy now. Please try your call again later.',
  ],
  es: [
    'El número que usted marcó no existe o está fuera de servicio. Verifique el número e intente de nuevo.',
    'El número marcado ha sido suspendido temporalmente.',
    'Su llamada no puede ser completada. Por favor verifique el número marcado.',
    'Todas las líneas están ocupadas. Intente su llamada más tarde.',
  ],
};

export const NAMES: Lists = {
  en: ['Maria', 'John Smith', 'the Johnsons', 'Doctor Patel', 'Sarah', 'Mike and Linda', 'Kevin Brown', 'Olivia', 'Robert Chen', 'Aisha', 'the Wilson family', 'Greg'],
  es: ['María González', 'Carlos', 'la familia Pérez', 'Lucía', 'el doctor Ramírez', 'Jorge y Ana', 'Sofía', 'Diego Herrera', 'Valentina', 'don Ernesto', 'la familia Soto', 'Paola'],
};

export const BUSINESSES: Lists = {
  en: ['Acme Plumbing', 'Riverside Dental', 'Bright Star Insurance', 'Northwind Logistics', 'Evergreen Landscaping', 'Metro Cable', 'Summit Bank', 'Harbor Medical Group', 'Pinewood Realty', 'Atlas Moving'],
  es: ['Ferretería López', 'Seguros La Confianza', 'Clínica San Rafael', 'Transportes Andinos', 'Muebles El Roble', 'Banco del Sur', 'Óptica Central', 'Mudanzas Express', 'Inmobiliaria Horizonte', 'Telecable Norte'],
};

/** Fills {name}, {biz} and {digits}; digits are spelled with spaces so that every synthesiser reads them one by one. */
export function fill(text: string, values: { name: string; biz: string; digits: string }): string {
  return text.replaceAll('{name}', values.name).replaceAll('{biz}', values.biz).replaceAll('{digits}', values.digits.split('').join(' '));
}
