import { Layout } from "../components/layout.tsx";
import { AccountMenu } from "../features/auth/components/account-menu.tsx";
import { AppProvider } from "./provider.tsx";
import { AppRouter } from "./router.tsx";

export function App() {
  return (
    <AppProvider>
      <Layout account={<AccountMenu />}>
        <AppRouter />
      </Layout>
    </AppProvider>
  );
}
