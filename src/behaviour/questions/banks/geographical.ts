import type { Template, Vocabulary } from '../template';

/** Questions about places, landscapes, climate and how people live with them. */
export const GEOGRAPHICAL_TEMPLATES: readonly Template[] = [
  { text: 'Why is the climate of {country} so different from that of {country2}?' },
  { text: 'How does {river} shape the economy of the regions it flows through?' },
  { text: 'What formed {landform}, and how is it changing today?' },
  { text: 'Why did {city} grow into a major city, and what limits its growth now?' },
  { text: 'What are the main challenges of {challenge} in {country}?' },
  { text: 'How does {phenomenon} affect daily life in {country}?' },
  { text: 'Which parts of {country} are most at risk from {hazard}, and why?' },
  { text: 'How would you travel overland from {city} to {city2}, and what landscapes would you cross?' },
  { text: 'What explains where people live in {country}?' },
  { text: 'How do {landform} and {river} influence farming in the area around them?' },
  { text: 'What makes {city} vulnerable to {hazard}, and what is being done about it?' },
  { text: 'How is {challenge} handled differently in {country} and {country2}?' },
  { text: 'What would I notice about {phenomenon} on a {#3-21}-day trip through {country}?' },
  { text: 'Why are there so few large cities near {landform}?' },
  { text: 'How has {river} changed course or flow over the last {#2-20} centuries?' },
  { text: 'What are the main exports of {country}, and how does its geography explain them?' },
  { text: 'How does altitude affect life in {city}, which sits about {#2-40}00 metres above sea level?' },
  { text: 'Why does {country} get so much or so little rain in {month}?' },
];

/** Slot vocabularies of the geographical templates. */
export const GEOGRAPHICAL_VOCABULARY: Vocabulary = {
  country: [
    'Norway', 'Chile', 'Japan', 'Kenya', 'Egypt', 'Brazil', 'Canada', 'Australia', 'New Zealand', 'Iceland',
    'Mongolia', 'India', 'Bangladesh', 'Indonesia', 'the Philippines', 'Peru', 'Bolivia', 'Argentina', 'Morocco',
    'Ethiopia', 'Nigeria', 'Ghana', 'Madagascar', 'South Africa', 'Switzerland', 'Austria', 'the Netherlands',
    'Spain', 'Portugal', 'Italy', 'Greece', 'Turkey', 'Iran', 'Kazakhstan', 'Nepal', 'Vietnam', 'Thailand',
    'Mexico', 'Colombia', 'Finland', 'Scotland', 'Ireland', 'Poland', 'Romania', 'Georgia', 'Jordan', 'Oman',
    'Tanzania', 'Namibia', 'Uruguay',
  ],
  river: [
    'the Nile', 'the Amazon', 'the Mississippi', 'the Yangtze', 'the Mekong', 'the Ganges', 'the Danube', 'the Rhine',
    'the Volga', 'the Niger', 'the Congo', 'the Zambezi', 'the Indus', 'the Tigris', 'the Euphrates', 'the Murray',
    'the Colorado River', 'the Parana', 'the Orinoco', 'the Yellow River', 'the Thames', 'the Loire', 'the Rhone',
    'the St. Lawrence', 'the Columbia River',
  ],
  landform: [
    'the Himalayas', 'the Andes', 'the Alps', 'the Rocky Mountains', 'the Atlas Mountains', 'the Sahara',
    'the Atacama Desert', 'the Great Rift Valley', 'the Norwegian fjords', 'the Tibetan Plateau', 'the Gobi Desert',
    'the Great Barrier Reef', 'the Pampas', 'the Siberian taiga', 'the Dead Sea', 'the Okavango Delta',
    'the Carpathians', 'the Scottish Highlands', 'the Iberian meseta', 'the Deccan Plateau', 'the Outback',
    'the Patagonian steppe', 'the Zagros Mountains',
  ],
  city: [
    'Lagos', 'Cairo', 'Mumbai', 'Dhaka', 'Jakarta', 'Manila', 'Tokyo', 'Seoul', 'Shanghai', 'Singapore', 'Sydney',
    'Auckland', 'Lima', 'La Paz', 'Quito', 'Bogota', 'Mexico City', 'Denver', 'Vancouver', 'Reykjavik', 'Oslo',
    'Rotterdam', 'Venice', 'Istanbul', 'Tehran', 'Kathmandu', 'Ulaanbaatar', 'Nairobi', 'Addis Ababa', 'Cape Town',
    'Marrakesh', 'Dubai', 'Almaty', 'Hanoi', 'Bangkok', 'Santiago', 'Buenos Aires', 'Montevideo', 'Lisbon', 'Athens',
  ],
  challenge: [
    'water scarcity', 'coastal erosion', 'desertification', 'urban sprawl', 'deforestation', 'air pollution',
    'rural depopulation', 'flood management', 'soil degradation', 'glacier retreat', 'sea-level rise',
    'managing tourism', 'building transport links', 'housing a growing population', 'protecting wetlands',
  ],
  phenomenon: [
    'the monsoon', 'permafrost', 'the midnight sun', 'El Nino', 'seasonal flooding', 'sandstorms', 'typhoons',
    'fog from cold ocean currents', 'high-altitude sunlight', 'long polar nights', 'the dry season', 'heatwaves',
    'volcanic soil', 'snowmelt', 'trade winds',
  ],
  hazard: ['earthquakes', 'tsunamis', 'volcanic eruptions', 'landslides', 'wildfires', 'droughts', 'cyclones', 'river floods', 'avalanches', 'storm surges'],
  month: ['January', 'March', 'May', 'July', 'August', 'October', 'December'],
};
