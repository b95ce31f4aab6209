import { Layout } from "../components/layout.tsx";
import { AppProvider } from "./provider.tsx";
import { AppRouter } from "./router.tsx";

export function App() {
  return (
    <AppProvider>
      <Layout>
        <AppRouter />
      </Layout>
    </AppProvider>
  );
}
