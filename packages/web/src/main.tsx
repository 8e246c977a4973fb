import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { Root } from './app/App.tsx';
import { RouterProvider } from './app/router.tsx';
import './styles.css';

const container = document.getElementById('root');
if (!container) throw new Error('index.html has no #root element');
createRoot(container).render(
  <StrictMode>
    <RouterProvider>
      <Root />
    </RouterProvider>
  </StrictMode>,
);
